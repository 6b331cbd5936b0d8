"""Which items a respondent is asked: a planned-missingness rotation over the item bank (pure).

Why a design at all: a pulse asks 6–10 questions of a 25–40 statement bank, so each person
sees a subset. If everyone saw one statement per dimension, no two statements of a
dimension would ever be answered by the same person, and Cronbach's α and item–total
correlations (which need the covariance of every item pair) could never be computed.

The design ("focus block" design)
---------------------------------
A *form* is the list of statements one respondent answers. With D dimensions and a budget
of Q questions, every form asks ``size = max(Q, D + 1)`` statements (capped by the bank):
- one statement of **every** dimension (so every dimension is measured by every
  respondent, in every round, whatever the cadence), and
- ``E = size − D ≥ 1`` extra statements, all spent on **one focus dimension**, which is
  then asked as a *block* of ``b = min(m, E + 1)`` of its m statements. Concentrating
  the extras is what makes pairs: a block of b statements co-answers b(b−1)/2 pairs.
  When the focus dimension has fewer statements than E + 1, the leftover extras go to the
  next dimensions (one more statement each, in rubric order) — a bonus, not relied on.
- Each dimension's blocks cover every pair of its statements (a greedy pair covering, a
  balanced incomplete block design when one exists: for b = 2 it is all pairs, for b ≥ m
  one block with every statement).
- The *cycle* lists every (dimension, block) once, interleaved (first block of every
  dimension, then the second blocks, …); form g uses entry g mod T of the cycle, where
  ``T = forms_per_cycle(bank, questions=Q)`` is the number of blocks in all.
- Every other dimension is asked by its **anchor**, its first statement. Anchors make
  periods comparable: a trend is measured on the statements both periods share
  (trustmath/trends.py), and every form that does not focus on a dimension asks that
  dimension's anchor, so consecutive rounds share it even when each round hands out a
  single form. The price: non-anchor statements are asked only in blocks (less often).

Guarantees (all proved by tests/surveys/test_rotation.py for banks of 5–9 dimensions of
3–6 statements, budgets 6–10 and any form offset):
1. every form asks every dimension, has no duplicate, and asks
   ``min(max(Q, D + 1), Σm)`` statements — at most 10 for D ≤ 9, Q ≤ 10;
2. any T consecutive forms ask every statement, and every pair of statements of every
   dimension is answered together in at least one of them; hence
3. **co-answering**: N respondents given consecutive forms (``round_forms``) answer every
   pair of every dimension together at least ``floor(N / T)`` times
   (``min_co_answers``). For a reporting period the forms of its rounds continue from
   one round to the next (the caller passes the period's running ``first_form``), so the
   period's R rounds with N₁…N_R respondents give at least ``floor((N₁+…+N_R) / T)``:
   the guarantee counts forms handed out, so it holds for the answering respondents
   when forms are handed out in the order people start answering (not pre-assigned to
   invitees, which would also tie a person to a form — see surveys/README.md).
4. anchors: a form asks the first statement of every dimension except, possibly, its
   focus dimension (whose first block does contain it);
5. deterministic: the same (bank, Q, g) always gives the same form.

``rotation_pick(round_index=r)`` is form r: what a round asks when every invitee of the
round gets the same statements (the wiring before per-respondent forms). It keeps
guarantees 1, 2, 4 and 5 across rounds (every statement within ``rounds_to_cycle`` rounds),
and one dimension per round is co-answered as a block.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

Bank = Sequence[tuple[str, Sequence[str]]]


def _validate(bank: Bank) -> list[int]:
    if any(len(items) == 0 for _, items in bank):
        raise ValueError("every dimension needs at least one item")
    return [len(items) for _, items in bank]


def form_size(bank: Bank, *, questions: int) -> int:
    """Statements per form: max(Q, D + 1), so one dimension can always be a block of ≥ 2."""
    sizes = _validate(bank)
    return min(max(questions, len(sizes) + 1), sum(sizes))


def pair_blocks(m: int, b: int) -> list[tuple[int, ...]]:
    """Blocks of b of the indices 0..m−1 that together contain every pair (greedy covering).

    Deterministic: each block starts from the first uncovered pair and adds the index that
    covers most uncovered pairs (lowest index on ties). m == 1 gives one block (0,).
    """
    b = min(b, m)
    if m <= 1 or b >= m:
        return [tuple(range(m))]
    uncovered = set(combinations(range(m), 2))
    blocks: list[tuple[int, ...]] = []
    while uncovered:
        block = list(min(uncovered))
        while len(block) < b:
            best = max(
                (i for i in range(m) if i not in block),
                key=lambda i: (sum((min(i, j), max(i, j)) in uncovered for j in block), -i),
            )
            block.append(best)
        uncovered -= set(combinations(sorted(block), 2))
        blocks.append(tuple(sorted(block)))
    return blocks


def _cycle(bank: Bank, questions: int) -> list[tuple[int, tuple[int, ...]]]:
    """Every (dimension, block) once, interleaved so each dimension recurs evenly."""
    sizes = _validate(bank)
    extra = form_size(bank, questions=questions) - len(sizes)
    per_dim = [pair_blocks(m, extra + 1) for m in sizes]
    longest = max((len(b) for b in per_dim), default=0)
    return [
        (d, blocks[j])
        for j in range(longest)
        for d, blocks in enumerate(per_dim)
        if j < len(blocks)
    ]


def forms_per_cycle(bank: Bank, *, questions: int) -> int:
    """T: any T consecutive forms ask every statement and co-answer every pair."""
    return len(_cycle(bank, questions))


def form_items(bank: Bank, *, questions: int, form_index: int) -> list[str]:
    """Item keys of form `form_index` (≥ 0), grouped by dimension in bank order."""
    if form_index < 0:
        raise ValueError("form_index must be >= 0")
    sizes = _validate(bank)
    if not sizes:
        return []
    cycle = _cycle(bank, questions)
    focus, block = cycle[form_index % len(cycle)]
    chosen: list[list[int]] = [[] for _ in sizes]
    chosen[focus] = list(block)
    for d in range(len(sizes)):
        if d != focus:
            # The anchor (first statement): asked in every form where the dimension is
            # not the focus, so consecutive periods always share it and a trend can
            # compare like with like (trustmath.trends) whichever forms were handed out.
            chosen[d] = [0]
    left = form_size(bank, questions=questions) - sum(len(c) for c in chosen)
    order = [(focus + s) % len(sizes) for s in range(1, len(sizes) + 1)]
    while left > 0:  # leftover extras (focus fully asked): next dimensions, one each per pass
        for d in order:
            if left > 0 and len(chosen[d]) < sizes[d]:
                chosen[d].append(next(i for i in range(sizes[d]) if i not in chosen[d]))
                left -= 1
    return [bank[d][1][i] for d in range(len(sizes)) for i in sorted(chosen[d])]


def round_forms(bank: Bank, *, questions: int, first_form: int, slots: int) -> list[list[str]]:
    """Forms for `slots` respondents in the order they start, continuing at `first_form`."""
    return [form_items(bank, questions=questions, form_index=first_form + s) for s in range(slots)]


def min_co_answers(bank: Bank, *, questions: int, respondents: int) -> int:
    """Guaranteed respondents per item pair when `respondents` answer consecutive forms."""
    return respondents // forms_per_cycle(bank, questions=questions)


def rotation_pick(bank: Bank, *, questions: int, round_index: int) -> list[str]:
    """Item keys of round `round_index` when all its invitees get one form: form r.

    bank: [(dimension_key, [item_key, ...]), ...] in rubric order; every dimension non-empty.
    """
    if round_index < 0:
        raise ValueError("round_index must be >= 0")
    return form_items(bank, questions=questions, form_index=round_index)


def rounds_to_cycle(bank: Bank, *, questions: int) -> int:
    """Successive rounds (forms) after which every item has been asked (an upper bound: T)."""
    return forms_per_cycle(bank, questions=questions)
