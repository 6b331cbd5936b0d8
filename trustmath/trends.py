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
    anc: np.ndarray, own_key: np.ndarray, n_team: int, n_per: int, n_item: int
) -> np.ndarray:
    """asked[team, period, item]: someone of the team's subtree answered the item then.

    One pass over the answers for the own teams, then an OR up the (small) tree arrays.
    """
    own = np.bincount(own_key, minlength=n_team * n_per * n_item).reshape(n_team, -1) > 0
    total = np.zeros_like(own)
    for level in range(anc.shape[1]):  # loop over tree depth
        src = np.flatnonzero(anc[:, level] >= 0)
        np.logical_or.at(total, anc[src, level], own[src])
    return total.reshape(n_team, n_per, n_item)


class _Pooled:
    """Running n, mean and M2 per cell, merged level by level (Chan et al.'s exact update)."""

    def __init__(self, size: int) -> None:
        self.n = np.zeros(size)
        self.mean = np.zeros(size)
        self.m2 = np.zeros(size)

    def add(self, key: np.ndarray, val: np.ndarray) -> None:
        size = len(self.n)
        n = np.bincount(key, minlength=size).astype(np.float64)
        mean = np.divide(
            np.bincount(key, weights=val, minlength=size), n, out=np.zeros(size), where=n > 0
        )
        dev = val - mean[key]
        m2 = np.bincount(key, weights=dev * dev, minlength=size)
        tot = self.n + n
        delta = mean - self.mean
        safe = np.where(tot > 0, tot, 1.0)
        self.m2 = self.m2 + m2 + delta * delta * self.n * n / safe
        self.mean = np.where(tot > 0, self.mean + delta * n / safe, 0.0)
        self.n = tot


def like_for_like(
    anc: np.ndarray,
    tcode_r: np.ndarray,
    pcode_r: np.ndarray,
    answers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    resp_dims: tuple[np.ndarray, np.ndarray, np.ndarray],
    full: dict[str, np.ndarray],
    dim_of_item: np.ndarray,
    weights: np.ndarray,
) -> dict[str, np.ndarray]:
    """Shared-item comparison statistics of every (team, period[, dimension]) cell.

    answers = (rcode, icode, code, lut_score, lut_count): per answer row its response
    code, item code and engine lookup code; lut_score[code] is the item score 0–100 and
    lut_count[code] 0 for a skip (looked up only for the rows that need it). resp_dims = (r_of, d_of, s_rd): each respondent's
    full dimension scores. full: the cells' statistics on all items — "n", "mean", "ss"
    [team, period, dim] and "t_n", "t_mean", "t_ss" [team, period] of respondents' own
    trust scores. tcode_r/pcode_r: team and period code of each response.
    Returns arrays indexed [team, period, dim] ("shared" = number of shared items,
    "cur_*" = this period's respondents, "prev_*" = the previous period's respondents,
    each with n, mean, ss) and [team, period] for the trust index ("t_cur_*", "t_prev_*").

    Where every item a cell asked in one period was also asked in the other, its shared-item
    statistics *are* its full statistics (each respondent's shared-item score is their full
    score), so only respondents of cells whose item sets differ are rescored from answers.
    """
    rcode, icode, code, lut_score, lut_count = answers
    r_of, d_of, s_rd = resp_dims
    n_team, n_per, n_dim = full["n"].shape
    n_item, n_resp = len(dim_of_item), len(tcode_r)
    answered = lut_count[code] > 0
    own_key = (tcode_r * n_per + pcode_r)[rcode] * n_item + icode
    asked = _asked(anc, own_key[answered], n_team, n_per, n_item)
    del own_key
    shared = np.zeros_like(asked)  # shared[t, p, i]: asked in p and in p − 1
    shared[:, 1:] = asked[:, 1:] & asked[:, :-1]
    # Side "cur": respondents of p compared with p − 1; side "prev": respondents of p as
    # the previous period of p + 1. covers[side][t, p, d]: they lose no item of d to it.
    shared_next = np.zeros_like(asked)
    shared_next[:, :-1] = shared[:, 1:]
    dshape, tshape = (n_team, n_per, n_dim), (n_team, n_per)
    n_shared = np.zeros(dshape)
    covers = {"cur": np.zeros(dshape, dtype=bool), "prev": np.zeros(dshape, dtype=bool)}
    for d in range(n_dim):  # loop over dimensions
        of_d = dim_of_item == d
        n_shared[:, :, d] = shared[:, :, of_d].sum(axis=2)
        covers["cur"][:, :, d] = ~(asked[:, :, of_d] & ~shared[:, :, of_d]).any(axis=2)
        covers["prev"][:, :, d] = ~(asked[:, :, of_d] & ~shared_next[:, :, of_d]).any(axis=2)
    # No comparison exists from the first period back or from the last one forward.
    covers["cur"][:, 0] = True
    covers["prev"][:, -1] = True
    tcovers: dict[str, np.ndarray] = {s: np.asarray(c.all(axis=2)) for s, c in covers.items()}
    target_shared = {"cur": shared.ravel(), "prev": shared_next.ravel()}
    pooled = {
        "cur": _Pooled(n_team * n_per * n_dim),
        "prev": _Pooled(n_team * n_per * n_dim),
        "t_cur": _Pooled(n_team * n_per),
        "t_prev": _Pooled(n_team * n_per),
    }
    t_rd, p_rd = tcode_r[r_of], pcode_r[r_of]
    rd_key_answer: np.ndarray | None = None  # built only if some cell needs rescoring
    for level in range(anc.shape[1]):  # loop over tree depth
        a_rd: np.ndarray | None = None
        for side in ("cur", "prev"):
            # Skip the level at once when no team's cell at this level needs rescoring.
            up = anc[:, level]
            if not (~tcovers[side][up[up >= 0]]).any():
                continue
            if a_rd is None:
                a_rd = anc[t_rd, level]
            ok = (a_rd >= 0) & ((p_rd >= 1) if side == "cur" else (p_rd <= n_per - 2))
            idx = np.flatnonzero(ok)
            cell_p = a_rd[idx] * n_per + p_rd[idx]
            idx = idx[~tcovers[side].ravel()[cell_p]]  # respondents of uncovered cells only
            if idx.size == 0:
                continue
            cell_p = a_rd[idx] * n_per + p_rd[idx]
            dcov = covers[side].ravel()[cell_p * n_dim + d_of[idx]]
            keep_idx, part = idx[dcov], idx[~dcov]
            if rd_key_answer is None:
                rd_key_answer = np.where(answered, rcode * n_dim + dim_of_item[icode], -1)
            mark = np.zeros(n_resp * n_dim + 1, dtype=bool)  # the last slot: skips (−1)
            mark[r_of[part] * n_dim + d_of[part]] = True
            sel = np.flatnonzero(mark[rd_key_answer])
            r_a = rcode[sel]
            a_a = anc[tcode_r[r_a], level]
            # the item's shared flag for the pair of periods this side compares
            keep = target_shared[side][(a_a * n_per + pcode_r[r_a]) * n_item + icode[sel]]
            key = rd_key_answer[sel][keep]
            cnt = np.bincount(key, minlength=n_resp * n_dim)
            tot = np.bincount(key, weights=lut_score[code[sel][keep]], minlength=n_resp * n_dim)
            got = np.flatnonzero(cnt)
            pr, pdim = np.divmod(got, n_dim)
            pv = tot[got] / cnt[got]
            shift = 0 if side == "cur" else 1
            cell_r = anc[tcode_r, level] * n_per + pcode_r + shift  # read where used only
            pooled[side].add(cell_r[pr] * n_dim + pdim, pv)
            r_k = np.concatenate([r_of[keep_idx], pr])
            d_k = np.concatenate([d_of[keep_idx], pdim])
            v_k = np.concatenate([s_rd[keep_idx], pv])
            w = weights[d_k]
            wsum = np.bincount(r_k, weights=w * v_k, minlength=n_resp)
            wtot = np.bincount(r_k, weights=w, minlength=n_resp)
            has = np.flatnonzero(wtot > 0)
            pooled["t_" + side].add(cell_r[has], wsum[has] / wtot[has])
    out: dict[str, np.ndarray] = {"shared": n_shared}
    for side, prefix, cov in (
        ("cur", "", covers["cur"]),
        ("prev", "", covers["prev"]),
        ("t_cur", "t_", tcovers["cur"]),
        ("t_prev", "t_", tcovers["prev"]),
    ):
        shape = dshape if prefix == "" else tshape
        pl = pooled[side]
        cover = np.asarray(cov, dtype=bool)
        for stat, flat in (("n", pl.n), ("mean", pl.mean), ("ss", pl.m2)):
            whole = full[prefix + stat]
            partial: np.ndarray = flat.reshape(shape)
            res: np.ndarray = partial.copy()
            if side.endswith("cur"):
                res = np.where(cover, whole, partial)
            else:  # the previous period's cells, moved to the period they are compared in
                res[:, 1:] = np.where(cover[:, :-1], whole[:, :-1], partial[:, 1:])
            out[f"{side}_{stat}"] = res
    return out


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
