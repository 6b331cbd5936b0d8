"""What a hostile reader can compute from the numbers shown: linear algebra over shown cells.

Every shown count is a sum over a group of people, so a reader who collects shown cells
(from one page, several pages, several accounts) can compute exactly the groups whose
indicator vector lies in the span of the shown cells' vectors, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

import numpy as np


def recoverable_groups(
    shown: Iterable[frozenset[int]], atoms: Mapping[int, int], *, k: int
) -> list[tuple[frozenset[int], int]]:
    """Unions of atoms of 1 to k − 1 people whose sum is computable from the shown groups.

    ``atoms`` maps an atom (a team's own people) to its size; ``shown`` are the groups (sets
    of atoms) whose count a reader saw. Exhaustive over unions of atoms (small trees only).
    """
    ids = sorted(a for a, size in atoms.items() if size > 0)
    col = {a: i for i, a in enumerate(ids)}
    rows = [np.array([1.0 if a in g else 0.0 for a in ids]) for g in shown]
    rows = [r for r in rows if r.any()]
    base = np.array(rows) if rows else np.zeros((0, len(ids)))
    rank = np.linalg.matrix_rank(base) if rows else 0
    found: list[tuple[frozenset[int], int]] = []
    for size in range(1, len(ids) + 1):
        for combo in combinations(ids, size):
            people = sum(atoms[a] for a in combo)
            if not 0 < people < k:
                continue
            v = np.zeros(len(ids))
            v[[col[a] for a in combo]] = 1.0
            if np.linalg.matrix_rank(np.vstack([base, v])) == rank:
                found.append((frozenset(combo), people))
    return found
