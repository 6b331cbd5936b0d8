"""The pure scoring engine: answers in long form + rubric + team tree in, result DataFrames out.

No Django here and no Python loop over responses or answers. Every aggregate is computed
from respondent-level data with `np.bincount` on integer cell keys; the only Python loops
run over rubric dimensions, rubric bands and levels of the team tree (a handful each).

Formulas (DESIGN.md §5):
- item value x ∈ 1..5, reverse-keyed items use 6 − x, skips (NaN) are missing;
  item score = (x − 1) × 25.
- respondent dimension score = mean of the respondent's answered item scores in the dimension.
- cell (team incl. all sub-teams, period, dimension): score = mean of respondent dimension
  scores, n = respondents with ≥ 1 answered item in the dimension, sd (ddof = 1), 95 % t
  interval clipped to 0–100 (none when n < 2: `has_ci` False, bounds <NA>), favourable % =
  share of item answers ≥ 4 after reverse keying with its 95 % Wilson interval (item
  answers treated as independent trials — a known simplification), maturity band.
- trust index (team, period) = weighted mean of the cell's dimension scores with the
  rubric weights renormalised over the dimensions present; n = respondents with ≥ 1
  answered item at all.
- roll-up: a team's cells hold every respondent of its sub-teams; team ORG_ID (0) is the
  whole organization. Never an average of averages.
- trend vs the previous period of `periods`: delta = score − previous score; `significant`
  from a two-sided Welch t-test (α = 0.05) on the two periods' respondent scores
  (summary statistics). For the trust index the test uses each respondent's own weighted
  trust score (their dimension scores, weights renormalised over what they answered).
  Needs n ≥ 2 in both periods; otherwise `has_trend` may be True but significant is False.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.stats import band_labels, t_interval, welch_test, wilson_interval

ORG_ID = 0

ANSWER_COLUMNS = ("response_id", "team_id", "period", "item_id", "value")
ITEM_COLUMNS = ("item_id", "dimension", "reverse_keyed")
DIMENSION_COLUMNS = ("dimension", "weight", "bands")

DIMENSION_RESULT_COLUMNS = [
    "team_id",
    "period",
    "dimension",
    "n",
    "n_own",
    "score",
    "sd",
    "ci_low",
    "ci_high",
    "has_ci",
    "answers",
    "favourable",
    "favourable_pct",
    "favourable_low",
    "favourable_high",
    "band",
    "prev_score",
    "delta",
    "p_value",
    "significant",
    "has_trend",
]
TRUST_RESULT_COLUMNS = [
    "team_id",
    "period",
    "n",
    "n_own",
    "score",
    "dimensions",
    "prev_score",
    "delta",
    "p_value",
    "significant",
    "has_trend",
]


class ScoringInputError(ValueError):
    """Input the engine refuses to score; the message names what is wrong."""


class MissingColumnsError(ScoringInputError):
    """A frame lacks required columns."""


class UnknownItemError(ScoringInputError):
    """Answers for items that are not in the rubric version being scored."""

    def __init__(self, item_ids: Sequence[Any]) -> None:
        self.item_ids = list(item_ids)
        super().__init__(f"answers for items not in the rubric version: {self.item_ids[:20]}")


class ValueOutOfRangeError(ScoringInputError):
    """Answer values that are not 1, 2, 3, 4 or 5 (NaN = skip is allowed)."""

    def __init__(self, values: Sequence[Any], item_ids: Sequence[Any]) -> None:
        self.values = list(values)
        self.item_ids = list(item_ids)
        super().__init__(
            f"answer values outside 1–5: {self.values[:20]} (items {self.item_ids[:20]})"
        )


class UnknownTeamError(ScoringInputError):
    """Answers of teams missing from the team tree."""

    def __init__(self, team_ids: Sequence[Any]) -> None:
        self.team_ids = list(team_ids)
        super().__init__(f"answers for teams not in the team tree: {self.team_ids[:20]}")


class InconsistentResponseError(ScoringInputError):
    """One response spread over several teams or periods."""


class RubricError(ScoringInputError):
    """Rubric frames that do not fit together (unknown dimension, duplicate item, bad weight)."""


class TeamTreeError(ScoringInputError):
    """A team tree with a cycle or a parent that does not exist."""


@dataclass(frozen=True)
class ScoringResult:
    """Dimension cells per (team_id, period, dimension) and trust index per (team_id, period)."""

    dimensions: pd.DataFrame
    trust: pd.DataFrame


def _require(frame: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise MissingColumnsError(f"{name} is missing columns: {missing}")


def _codes(values: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """Position of each value in `universe` (−1 when absent); a lookup table for small ints."""
    if (
        values.dtype.kind in "iu"
        and universe.dtype.kind in "iu"
        and len(universe)
        and universe.min() >= 0
        and values.size
        and values.min() >= 0
    ):
        top = int(max(values.max(), universe.max()))
        if top < 50_000_000:
            lut = np.full(top + 1, -1, dtype=np.int64)
            lut[universe] = np.arange(len(universe))
            return lut[values]
    return pd.Index(universe).get_indexer(values)


def _response_codes(ids: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Dense code per row, number of responses, and one row index per response."""
    if ids.dtype.kind in "iuf" and ids.size and bool(np.all(ids[1:] >= ids[:-1])):
        # Rows already grouped by response (e.g. ORDER BY response): codes from the change points.
        change = ids[1:] != ids[:-1]
        codes = np.concatenate(([0], np.cumsum(change, dtype=np.int64)))
        first = np.concatenate(([0], np.flatnonzero(change) + 1))
        return codes, len(first), first
    codes, uniques = pd.factorize(ids)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes] = np.arange(len(codes))  # any row of the response will do; checked below
    return codes.astype(np.int64), len(uniques), first


def _ancestors(parent_of: Mapping[int, int | None]) -> tuple[np.ndarray, np.ndarray]:
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


def empty_dimension_results() -> pd.DataFrame:
    """The dimension result frame with no rows but the right columns."""
    return pd.DataFrame(
        {c: pd.Series(dtype=_DTYPES.get(c, "float64")) for c in DIMENSION_RESULT_COLUMNS}
    )


def empty_trust_results() -> pd.DataFrame:
    """The trust index frame with no rows but the right columns."""
    return pd.DataFrame(
        {c: pd.Series(dtype=_DTYPES.get(c, "float64")) for c in TRUST_RESULT_COLUMNS}
    )


_DTYPES: dict[str, str] = {
    "team_id": "int64",
    "period": "object",
    "dimension": "object",
    "n": "int64",
    "n_own": "int64",
    "answers": "int64",
    "favourable": "int64",
    "dimensions": "int64",
    "band": "object",
    "has_ci": "bool",
    "significant": "bool",
    "has_trend": "bool",
    "sd": "Float64",
    "ci_low": "Float64",
    "ci_high": "Float64",
    "prev_score": "Float64",
    "delta": "Float64",
    "p_value": "Float64",
}


def _nullable(values: np.ndarray) -> pd.array:
    """Float array with NaN as <NA>: 'no value' is explicit, never a NaN from arithmetic."""
    return pd.array(values, dtype="Float64")


def _validate_rubric(
    items: pd.DataFrame, dimensions: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    _require(items, ITEM_COLUMNS, "items")
    _require(dimensions, DIMENSION_COLUMNS, "dimensions")
    dim_keys = [str(k) for k in dimensions["dimension"]]
    if len(set(dim_keys)) != len(dim_keys):
        raise RubricError("dimensions has duplicate keys")
    weights = pd.to_numeric(dimensions["weight"], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(weights).any() or (weights < 0).any():
        raise RubricError("dimension weights must be numbers ≥ 0")
    item_ids = items["item_id"].to_numpy()
    if pd.Index(item_ids).has_duplicates:
        raise RubricError("items has duplicate item_id values")
    dim_of_item = pd.Index(dim_keys).get_indexer(items["dimension"].astype(str))
    if (dim_of_item < 0).any():
        bad = sorted(set(items["dimension"][dim_of_item < 0].astype(str)))
        raise RubricError(f"items refer to dimensions not in the rubric: {bad}")
    rev = items["reverse_keyed"].fillna(False).to_numpy(dtype=bool)
    return item_ids, dim_of_item.astype(np.int64), rev, dim_keys, weights


def score(
    answers: pd.DataFrame,
    items: pd.DataFrame,
    dimensions: pd.DataFrame,
    parent_of: Mapping[int, int | None],
    periods: Sequence[Any] | None = None,
) -> ScoringResult:
    """Score `answers` against the rubric for every team (rolled up) and period.

    `periods` orders the periods for trends and restricts scoring to them; by default the
    sorted distinct periods of the answers. Raises a `ScoringInputError` subclass for
    answers the rubric does not know, values outside 1–5 or teams outside the tree.
    """
    _require(answers, ANSWER_COLUMNS, "answers")
    item_ids, dim_of_item, rev_of_item, dim_keys, weights = _validate_rubric(items, dimensions)
    team_ids, anc = _ancestors(parent_of)
    n_dim = len(dim_keys)
    if answers.empty or n_dim == 0:
        return ScoringResult(empty_dimension_results(), empty_trust_results())

    # -- validate every row against the rubric, vectorised ------------------------------
    item_col = answers["item_id"].to_numpy()
    icode = _codes(item_col, item_ids)
    if (icode < 0).any():
        raise UnknownItemError(sorted(pd.unique(item_col[icode < 0]).tolist()))
    v = answers["value"].to_numpy()
    if v.dtype.kind != "f":
        num = pd.to_numeric(answers["value"], errors="coerce").to_numpy(dtype=np.float64)
        text = answers["value"].notna().to_numpy() & np.isnan(num)  # non-numeric text
        v = np.where(text, -1.0, num)
    # 0 stands for a skip from here on; real zeros are caught as out of range first.
    t = np.nan_to_num(v, nan=0.0)
    bad = (t != np.rint(t)) | (t < 0) | (t > 5) | (v == 0)
    if bad.any():
        raise ValueOutOfRangeError(
            sorted(pd.unique(answers["value"].to_numpy()[bad]).tolist(), key=str),
            sorted(pd.unique(item_col[bad]).tolist(), key=str),
        )

    # -- responses: one team and period each --------------------------------------------
    rcode, n_resp, first = _response_codes(answers["response_id"].to_numpy())
    team_col = answers["team_id"].to_numpy()
    period_col = answers["period"].to_numpy()
    team_r, period_r = team_col[first], period_col[first]
    if (team_col != team_r[rcode]).any() or (period_col != period_r[rcode]).any():
        raise InconsistentResponseError("a response has answers in more than one team or period")
    tcode_r = _codes(team_r.astype(np.int64) if team_r.dtype.kind in "iuf" else team_r, team_ids)
    if (tcode_r <= 0).any():  # 0 = the org itself: a response always belongs to a real team
        raise UnknownTeamError(sorted(pd.unique(team_r[tcode_r <= 0]).tolist()))
    period_index = pd.Index(
        sorted(pd.unique(period_r).tolist()) if periods is None else list(periods)
    )
    pcode_r = period_index.get_indexer(period_r)
    n_per = len(period_index)

    # -- respondent × dimension sums (one bincount each) --------------------------------
    if (pcode_r < 0).any():  # answers of periods not asked for: drop them up front
        rows = pcode_r[rcode] >= 0
        rcode, icode, t = rcode[rows], icode[rows], t[rows]
    # One lookup code per answer (item, value 0–5 with 0 = skip) → counted, score, favourable.
    code = icode * 6 + t.astype(np.int64)
    vals = np.tile(np.arange(6, dtype=np.float64), len(item_ids))
    keyed = np.where(np.repeat(rev_of_item, 6) & (vals > 0), 6.0 - vals, vals)
    lut_cnt = (vals > 0).astype(np.float64)
    lut_score = np.where(vals > 0, (keyed - 1.0) * 25.0, 0.0)
    lut_fav = (keyed >= 4).astype(np.float64)
    rd_key = rcode * n_dim + dim_of_item[icode]
    size = n_resp * n_dim
    rd_cnt = np.bincount(rd_key, weights=lut_cnt[code], minlength=size)
    rd_sum = np.bincount(rd_key, weights=lut_score[code], minlength=size)
    rd_fav = np.bincount(rd_key, weights=lut_fav[code], minlength=size)
    del rd_key, code
    rd = np.flatnonzero(rd_cnt)
    if rd.size == 0:
        return ScoringResult(empty_dimension_results(), empty_trust_results())
    r_of, d_of = np.divmod(rd, n_dim)
    s_rd = rd_sum[rd] / rd_cnt[rd]
    cnt_rd, fav_rd = rd_cnt[rd], rd_fav[rd]
    del rd_cnt, rd_sum, rd_fav

    # Each respondent's own weighted trust score (only for the trust trend test).
    w_rd = weights[d_of]
    r_wsum = np.bincount(r_of, weights=w_rd * s_rd, minlength=n_resp)
    r_wtot = np.bincount(r_of, weights=w_rd, minlength=n_resp)
    r_has = np.bincount(r_of, minlength=n_resp) > 0
    r_valid = np.flatnonzero(r_has)
    r_ts_ok = r_wtot[r_valid] > 0
    r_ts = np.where(r_ts_ok, r_wsum[r_valid] / np.where(r_ts_ok, r_wtot[r_valid], 1.0), 0.0)

    cells = _rollup_dimensions(
        anc, tcode_r, pcode_r, r_of, d_of, s_rd, cnt_rd, fav_rd, len(team_ids), n_per, n_dim
    )
    trust_cells = _rollup_trust(
        anc, tcode_r[r_valid], pcode_r[r_valid], r_ts, r_ts_ok, len(team_ids), n_per
    )
    dims = _dimension_frame(cells, team_ids, period_index, dim_keys, dimensions)
    trust = _trust_frame(cells, trust_cells, team_ids, period_index, weights)
    return ScoringResult(dims, trust)


def _own_cells(
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


def _tree_rollup(
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


def _rollup_dimensions(
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
    n_own, s_own, m2_own, (a_own, f_own) = _own_cells(
        key, s_rd, [cnt_rd, fav_rd], n_team * n_per * n_dim
    )
    own = [x.reshape(shape) for x in (n_own, s_own, m2_own, a_own, f_own)]
    n, mean, ss, (a, f) = _tree_rollup(anc, own[0], own[1], own[2], own[3:])
    return {"n": n, "own": own[0], "mean": mean, "ss": ss, "answers": a, "fav": f}


def _rollup_trust(
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
    nts_own, s_own, m2_own, _ = _own_cells(kts, ts[ts_ok], [], size)
    nts, mean, ss, (n,) = _tree_rollup(
        anc, nts_own.reshape(shape), s_own.reshape(shape), m2_own.reshape(shape), [n_own]
    )
    return {"n": n, "own": n_own, "nts": nts, "mean": mean, "ss": ss}


def _sd(ss: np.ndarray, n: np.ndarray) -> np.ndarray:
    return np.where(n >= 2, np.sqrt(ss / np.where(n >= 2, n - 1, 1.0)), np.nan)


def _previous(arr: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """The same cell one period earlier (axis 1 is the ordered period axis)."""
    out = np.full_like(arr, fill)
    out[:, 1:] = arr[:, :-1]
    return out


def _dimension_frame(
    c: dict[str, np.ndarray],
    team_ids: np.ndarray,
    period_index: pd.Index,
    dim_keys: list[str],
    dimensions: pd.DataFrame,
) -> pd.DataFrame:
    n, mean, ss = c["n"], c["mean"], c["ss"]
    sd = _sd(ss, n)
    pn, pmean, psd = _previous(n), _previous(mean), _previous(np.nan_to_num(sd))
    p_val, sig = welch_test(mean, np.nan_to_num(sd), n, pmean, psd, pn)
    t_i, p_i, d_i = np.nonzero(n > 0)
    n_c, m_c, sd_c = n[t_i, p_i, d_i], mean[t_i, p_i, d_i], sd[t_i, p_i, d_i]
    low, high, has_ci = t_interval(m_c, np.nan_to_num(sd_c), n_c)
    fav_c, ans_c = c["fav"][t_i, p_i, d_i], c["answers"][t_i, p_i, d_i]
    pct, flo, fhi = wilson_interval(fav_c, ans_c)
    has_trend = pn[t_i, p_i, d_i] > 0
    prev = np.where(has_trend, pmean[t_i, p_i, d_i], np.nan)
    bands = np.full(len(t_i), "", dtype=object)
    for d, bl in enumerate(dimensions["bands"].tolist()):  # loop over dimensions
        sel = d_i == d
        bands[sel] = band_labels(m_c[sel], bl if isinstance(bl, list) else [])
    out = pd.DataFrame(
        {
            "team_id": team_ids[t_i],
            "period": period_index.take(p_i).to_numpy(),
            "dimension": np.asarray(dim_keys, dtype=object)[d_i],
            "n": n_c.astype(np.int64),
            "n_own": c["own"][t_i, p_i, d_i].astype(np.int64),
            "score": m_c,
            "sd": _nullable(sd_c),
            "ci_low": _nullable(np.where(has_ci, low, np.nan)),
            "ci_high": _nullable(np.where(has_ci, high, np.nan)),
            "has_ci": has_ci,
            "answers": ans_c.astype(np.int64),
            "favourable": np.rint(fav_c).astype(np.int64),
            "favourable_pct": pct,
            "favourable_low": flo,
            "favourable_high": fhi,
            "band": bands,
            "prev_score": _nullable(prev),
            "delta": _nullable(m_c - prev),
            "p_value": _nullable(np.where(has_trend, p_val[t_i, p_i, d_i], np.nan)),
            "significant": has_trend & sig[t_i, p_i, d_i],
            "has_trend": has_trend,
        }
    )
    return out.sort_values(["team_id", "period", "dimension"], kind="stable", ignore_index=True)


def _trust_frame(
    c: dict[str, np.ndarray],
    t: dict[str, np.ndarray],
    team_ids: np.ndarray,
    period_index: pd.Index,
    weights: np.ndarray,
) -> pd.DataFrame:
    present = c["n"] > 0
    wsum = (present * weights).sum(axis=2)
    index = np.divide(
        (present * weights * c["mean"]).sum(axis=2), wsum, out=np.zeros_like(wsum), where=wsum > 0
    )
    ok = (t["n"] > 0) & (wsum > 0)
    sd = np.nan_to_num(_sd(t["ss"], t["nts"]))
    p_val, sig = welch_test(
        t["mean"], sd, t["nts"], _previous(t["mean"]), _previous(sd), _previous(t["nts"])
    )
    prev_ok = _previous(ok.astype(np.float64)) > 0
    prev_index = _previous(index)
    t_i, p_i = np.nonzero(ok)
    has_trend = prev_ok[t_i, p_i]
    cur = index[t_i, p_i]
    prev = np.where(has_trend, prev_index[t_i, p_i], np.nan)
    out = pd.DataFrame(
        {
            "team_id": team_ids[t_i],
            "period": period_index.take(p_i).to_numpy(),
            "n": t["n"][t_i, p_i].astype(np.int64),
            "n_own": t["own"][t_i, p_i].astype(np.int64),
            "score": cur,
            "dimensions": present.sum(axis=2)[t_i, p_i].astype(np.int64),
            "prev_score": _nullable(prev),
            "delta": _nullable(cur - prev),
            "p_value": _nullable(np.where(has_trend, p_val[t_i, p_i], np.nan)),
            "significant": has_trend & sig[t_i, p_i],
            "has_trend": has_trend,
        }
    )
    return out.sort_values(["team_id", "period"], kind="stable", ignore_index=True)
