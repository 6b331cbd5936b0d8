"""Team-tree roll-ups for the engine: own-team cells summed up to every ancestor and the org.

Pure NumPy. Loops run over teams of the tree or its depth, never over answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from trustmath.errors import TeamTreeError

ORG_ID = 0


def ancestors(parent_of: Mapping[int, int | None]) -> tuple[np.ndarray, np.ndarray]:
    """Team ids (index 0 = ORG_ID) and the matrix of each team's chain up to the org (−1 pad)."""
    teams = np.array(sorted(int(t) for t in parent_of if int(t) != ORG_ID), dtype=np.int64)
    ids = np.concatenate(([ORG_ID], teams))
    pos = {int(t): i for i, t in enumerate(ids)}
    chains: list[list[int]] = [[0]]
    for t in teams:  # loop over teams of the tree, not over answers
        chain = [pos[int(t)]]
        cur = int(t)
        while True:
            parent = parent_of.get(cur)
            parent = ORG_ID if parent is None else int(parent)
            if parent == ORG_ID:
                chain.append(0)
                break
            if parent not in pos:
                raise TeamTreeError(f"team {cur} has parent {parent}, which is not in the tree")
            if pos[parent] in chain or len(chain) > len(ids):
                raise TeamTreeError(f"the team tree has a cycle through team {cur}")
            chain.append(pos[parent])
            cur = parent
        chains.append(chain)
    depth = max(len(c) for c in chains)
    anc = np.full((len(ids), depth), -1, dtype=np.int64)
    for i, c in enumerate(chains):
        anc[i, : len(c)] = c
    return ids, anc


def own_cells(
    key: np.ndarray, values: np.ndarray, extras: Sequence[np.ndarray], size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Per own-team cell: n, sum, Σ(x − cell mean)² (a second pass, exact for constant groups)
    and the sums of each extra array. One bincount per statistic over the respondent rows."""
    n = np.bincount(key, minlength=size).astype(np.float64)
    s = np.bincount(key, weights=values, minlength=size)
    mean = np.divide(s, n, out=np.zeros(size), where=n > 0)
    dev = values - mean[key]
    m2 = np.bincount(key, weights=dev * dev, minlength=size)
    return n, s, m2, [np.bincount(key, weights=e, minlength=size) for e in extras]


def tree_rollup(
    anc: np.ndarray,
    n_own: np.ndarray,
    s_own: np.ndarray,
    m2_own: np.ndarray,
    extras: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Roll own-team cells (axis 0 = team code) up to every ancestor and the org.

    Counts and sums are additive, so each team's cell gets the sums over every respondent
    of its subtree; the spread uses the exact pooled formula
    M2_g = Σ_t [M2_t + n_t (mean_t − mean_g)²] over the own cells t of the subtree — the same
    number as Σ (x − mean_g)² over the respondents, never an average of averages.
    """
    n, s = np.zeros_like(n_own), np.zeros_like(s_own)
    ex = [np.zeros_like(e) for e in extras]
    levels = []
    for level in range(anc.shape[1]):  # loop over tree depth (a handful of levels)
        src = np.flatnonzero(anc[:, level] >= 0)
        dst = anc[src, level]
        levels.append((src, dst))
        np.add.at(n, dst, n_own[src])
        np.add.at(s, dst, s_own[src])
        for total, own in zip(ex, extras, strict=True):
            np.add.at(total, dst, own[src])
    mean = np.divide(s, n, out=np.zeros_like(s), where=n > 0)
    mean_own = np.divide(s_own, n_own, out=np.zeros_like(s_own), where=n_own > 0)
    m2 = np.zeros_like(s)
    for src, dst in levels:
        gap = mean_own[src] - mean[dst]
        np.add.at(m2, dst, m2_own[src] + n_own[src] * gap * gap)
    return n, mean, m2, ex


def rollup_dimensions(
    anc: np.ndarray,
    tcode_r: np.ndarray,
    pcode_r: np.ndarray,
    r_of: np.ndarray,
    d_of: np.ndarray,
    s_rd: np.ndarray,
    cnt_rd: np.ndarray,
    fav_rd: np.ndarray,
    n_team: int,
    n_per: int,
    n_dim: int,
) -> dict[str, np.ndarray]:
    shape = (n_team, n_per, n_dim)
    key = (tcode_r[r_of] * n_per + pcode_r[r_of]) * n_dim + d_of
    n_own, s_own, m2_own, (a_own, f_own) = own_cells(
        key, s_rd, [cnt_rd, fav_rd], n_team * n_per * n_dim
    )
    own = [x.reshape(shape) for x in (n_own, s_own, m2_own, a_own, f_own)]
    n, mean, ss, (a, f) = tree_rollup(anc, own[0], own[1], own[2], own[3:])
    return {"n": n, "own": own[0], "mean": mean, "ss": ss, "answers": a, "fav": f}


def rollup_trust(
    anc: np.ndarray,
    tcode: np.ndarray,
    pcode: np.ndarray,
    ts: np.ndarray,
    ts_ok: np.ndarray,
    n_team: int,
    n_per: int,
) -> dict[str, np.ndarray]:
    shape = (n_team, n_per)
    size = n_team * n_per
    key = tcode * n_per + pcode
    n_own = np.bincount(key, minlength=size).astype(np.float64).reshape(shape)
    # Respondents whose answered dimensions all weigh 0 have no trust score of their own.
    kts = key[ts_ok]
    nts_own, s_own, m2_own, _ = own_cells(kts, ts[ts_ok], [], size)
    nts, mean, ss, (n,) = tree_rollup(
        anc, nts_own.reshape(shape), s_own.reshape(shape), m2_own.reshape(shape), [n_own]
    )
    return {"n": n, "own": n_own, "nts": nts, "mean": mean, "ss": ss}
