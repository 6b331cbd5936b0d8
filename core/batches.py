"""Which buffered anonymous answers may leave their buffer now, in what (random) order.

The shared rule of the answer buffers (decisions' check-ins, handoffs, workshop follow-ups):
answers are grouped by everything the stored answer shows besides the answer itself; a group
leaves when it holds at least k answers (or the caller says it may, e.g. its window closed),
and the batch is shuffled so neither row order nor a transaction id points at one claim.
The caller writes the batch in a transaction that touches no invitation or link.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def batch_ready(
    rows: Iterable[T],
    *,
    key: Callable[[T], Hashable],
    k: int | Callable[[T], int],
    release: Callable[[Hashable], bool] = lambda _key: False,
    force: bool = False,
    rng: random.Random | None = None,
) -> list[T]:
    """The rows of every group (by `key`) holding at least `k` rows (`k` may be read from a
    group's first row, e.g. its org's k), or whose key `release` lets go, or all if `force`;
    shuffled (SystemRandom unless `rng` is given, for tests)."""
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    batch = [
        row
        for group_key, members in groups.items()
        if force or release(group_key) or len(members) >= (k(members[0]) if callable(k) else k)
        for row in members
    ]
    (rng or random.SystemRandom()).shuffle(batch)
    return batch
