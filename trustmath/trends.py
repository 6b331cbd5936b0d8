"""Like-for-like trends: period-to-period changes measured only on the items both periods share.

Why: the rotation asks different statements in consecutive periods, and statements differ
in difficulty, so a dimension score can move only because the statements changed. Here a
change of cell (team incl. sub-teams, period p, dimension d) is measured on the *shared
items* of d: those answered in that team's cell both in p and in p − 1. Each respondent of
either period gets a dimension score recomputed on the shared items they answered
(respondents who answered none of them drop out of the comparison), and the Welch test,
the delta and the arrow all come from those two sets of scores. No shared item: the
change is "not comparable" (no delta, no p-value).

Trust index: each respondent's own trust score on the shared items (their shared-item
dimension scores, weighted, weights renormalised over the dimensions they have), compared
between the periods; delta and p come from the same two sets of scores.

Pure NumPy; loops run over levels of the team tree only.
"""

from __future__ import annotations

import numpy as np


def _asked(
    anc: np.ndarray,
    a_team: np.ndarray,
    a_per: np.ndarray,
    icode: np.ndarray,
    n_team: int,
    n_per: int,
    n_item: int,
) -> np.ndarray:
    """asked[team, period, item]: someone of the team's subtree answered the item then."""
    size = n_team * n_per * n_item
    hits = np.zeros(size, dtype=bool)
    for level in range(anc.shape[1]):  # loop over tree depth
        a = anc[a_team, level]
        ok = a >= 0
        hits[(a[ok] * n_per + a_per[ok]) * n_item + icode[ok]] = True
    return hits.reshape(n_team, n_per, n_item)


def like_for_like(
    anc: np.ndarray,
    tcode_r: np.ndarray,
    pcode_r: np.ndarray,
    rcode: np.ndarray,
    icode: np.ndarray,
    score: np.ndarray,
    dim_of_item: np.ndarray,
    weights: np.ndarray,
    n_team: int,
    n_per: int,
) -> dict[str, np.ndarray]:
    """Shared-item comparison statistics of every (team, period[, dimension]) cell.

    rcode/icode/score: one entry per answered (non-skipped) item: response code, item
    code, item score 0–100. tcode_r/pcode_r: team and period code of each response.
    Returns arrays indexed [team, period, dim] ("shared" = number of shared items,
    "cur_*" = this period's respondents, "prev_*" = the previous period's respondents,
    each with n, mean, ss) and [team, period] for the trust index ("t_cur_*", "t_prev_*").
    """
    n_item, n_dim, n_resp = len(dim_of_item), len(weights), len(tcode_r)
    a_team, a_per = tcode_r[rcode], pcode_r[rcode]
    asked = _asked(anc, a_team, a_per, icode, n_team, n_per, n_item)
    shared = np.zeros_like(asked)  # shared[t, p, i]: asked in p and in p − 1
    shared[:, 1:] = asked[:, 1:] & asked[:, :-1]
    dshape, tshape = (n_team, n_per, n_dim), (n_team, n_per)
    n_shared = np.zeros(n_team * n_per * n_dim)
    for d in range(n_dim):  # loop over dimensions
        n_shared.reshape(dshape)[:, :, d] = shared[:, :, dim_of_item == d].sum(axis=2)
    # Per level and side, the respondent scores and the cell each one belongs to.
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {
        k: [] for k in ("cur", "prev", "t_cur", "t_prev")
    }
    d_of_a = dim_of_item[icode]
    for level in range(anc.shape[1]):  # loop over tree depth
        a_r = anc[tcode_r, level]
        a = a_r[rcode]
        for side, shift in (("cur", 0), ("prev", 1)):
            tp_r = pcode_r + shift  # the period whose change this respondent is part of
            tp = tp_r[rcode]
            inc = (a >= 0) & (tp < n_per)
            inc[inc] = shared[a[inc], tp[inc], icode[inc]]
            key = rcode[inc] * n_dim + d_of_a[inc]
            cnt = np.bincount(key, minlength=n_resp * n_dim)
            tot = np.bincount(key, weights=score[inc], minlength=n_resp * n_dim)
            rd = np.flatnonzero(cnt)
            r_of, d_of = np.divmod(rd, n_dim)
            s_rd = tot[rd] / cnt[rd]
            cell_r = a_r * n_per + tp_r  # valid wherever the respondent has an entry
            parts[side].append(((cell_r[r_of]) * n_dim + d_of, s_rd))
            w = weights[d_of]
            wsum = np.bincount(r_of, weights=w * s_rd, minlength=n_resp)
            wtot = np.bincount(r_of, weights=w, minlength=n_resp)
            has = wtot > 0
            parts["t_" + side].append((cell_r[has], wsum[has] / wtot[has]))
    out: dict[str, np.ndarray] = {"shared": n_shared.reshape(dshape)}
    for side, size, shape in (
        ("cur", n_team * n_per * n_dim, dshape),
        ("prev", n_team * n_per * n_dim, dshape),
        ("t_cur", n_team * n_per, tshape),
        ("t_prev", n_team * n_per, tshape),
    ):
        n, mean, ss = _pooled(parts[side], size)
        out[f"{side}_n"], out[f"{side}_mean"], out[f"{side}_ss"] = (
            x.reshape(shape) for x in (n, mean, ss)
        )
    return out


def _pooled(
    parts: list[tuple[np.ndarray, np.ndarray]], size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n, mean and Σ(x − mean)² per cell over (cell key, value) pieces: two exact passes."""
    n, s = np.zeros(size), np.zeros(size)
    for key, val in parts:
        n += np.bincount(key, minlength=size)
        s += np.bincount(key, weights=val, minlength=size)
    mean = np.divide(s, n, out=np.zeros(size), where=n > 0)
    ss = np.zeros(size)
    for key, val in parts:
        dev = val - mean[key]
        ss += np.bincount(key, weights=dev * dev, minlength=size)
    return n, mean, ss


def rollup_sums(
    anc: np.ndarray, key: np.ndarray, values: list[np.ndarray], shape: tuple[int, ...]
) -> list[np.ndarray]:
    """Sums of `values` per own-team cell `key` (team code first), added up the team tree."""
    size = int(np.prod(shape))
    n_team = shape[0]
    out = []
    for v in values:
        own = np.bincount(key, weights=v, minlength=size).reshape(n_team, -1)
        total = np.zeros_like(own)
        for level in range(anc.shape[1]):  # loop over tree depth
            src = np.flatnonzero(anc[:, level] >= 0)
            np.add.at(total, anc[src, level], own[src])
        out.append(total.reshape(shape))
    return out
