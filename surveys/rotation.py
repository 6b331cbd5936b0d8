"""Which items a round asks: a deterministic rotation over the item bank (pure, no Django).

Rules, for round number r (0, 1, 2, ... of an org's rounds with one rubric version):
- every dimension gets at least one question in every round, so each dimension is measured
  in every reporting period whatever the cadence;
- the remaining slots go to dimensions in turn (starting at a different dimension each
  round), so extra questions are spread evenly;
- within a dimension, items are taken in a cycle continuing where the previous round
  stopped, so every item of the bank is asked within `rounds_to_cycle()` successive rounds.
A round asks max(questions, number of dimensions) items: with a 7-dimension rubric a
6-question schedule asks 7, because dimension coverage comes first.
"""

from __future__ import annotations

from collections.abc import Sequence


def _slots(n_items: Sequence[int], questions: int, round_index: int) -> list[int]:
    """How many items each dimension gets in round `round_index`."""
    n_dims = len(n_items)
    total = max(questions, n_dims)
    counts = [1] * n_dims
    extra = total - n_dims
    start = (round_index * extra) % n_dims if n_dims else 0
    i = 0
    # Hand out the extra slots in turn; skip dimensions whose whole bank is already asked.
    while extra > 0 and any(c < m for c, m in zip(counts, n_items, strict=True)):
        d = (start + i) % n_dims
        if counts[d] < n_items[d]:
            counts[d] += 1
            extra -= 1
        i += 1
    return counts


def rotation_pick(
    bank: Sequence[tuple[str, Sequence[str]]], *, questions: int, round_index: int
) -> list[str]:
    """Item keys for one round, grouped by dimension in bank order.

    bank: [(dimension_key, [item_key, ...]), ...] in rubric order; every dimension non-empty.
    """
    if round_index < 0:
        raise ValueError("round_index must be >= 0")
    if any(len(items) == 0 for _, items in bank):
        raise ValueError("every dimension needs at least one item")
    n_items = [len(items) for _, items in bank]
    # Where each dimension's cycle stands: the sum of its slots in all earlier rounds.
    cursor = [0] * len(bank)
    for r in range(round_index):
        for d, c in enumerate(_slots(n_items, questions, r)):
            cursor[d] += c
    picked: list[str] = []
    for d, c in enumerate(_slots(n_items, questions, round_index)):
        items = bank[d][1]
        picked.extend(items[(cursor[d] + j) % len(items)] for j in range(c))
    return picked


def rounds_to_cycle(bank: Sequence[tuple[str, Sequence[str]]]) -> int:
    """Successive rounds after which every item has been asked at least once (an upper bound)."""
    return max((len(items) for _, items in bank), default=0)
