"""The pure scoring engine: answers in long form + rubric + team tree in, result DataFrames out.

No Django here and no Python loop over responses or answers. Every aggregate is computed
from respondent-level data with `np.bincount` on integer cell keys; the only Python loops
run over rubric dimensions, rubric bands and levels of the team tree (a handful each).

Formulas (docs/scoring.md):
- item value x ∈ 1..5, reverse-keyed items use 6 − x, skips (NaN) are missing;
  item score = (x − 1) × 25.
- respondent dimension score = mean of the respondent's answered item scores in the dimension.
- cell (team incl. all sub-teams, period, dimension): score = mean of respondent dimension
  scores, n = respondents with ≥ 1 answered item in the dimension, sd (ddof = 1), 95 % t
  interval clipped to 0–100 (none when n < 2: `has_ci` False, bounds <NA>), favourable % =
  share of item answers ≥ 4 after reverse keying with a 95 % Wilson interval on a
  design-effect-adjusted effective n (the respondent is the cluster:
  `trustmath.stats.clustered_wilson`), maturity band.
- trust index (team, period) = weighted mean of the cell's dimension scores with the
  rubric weights renormalised over the dimensions present; n = respondents with ≥ 1
  answered item at all.
- roll-up: a team's cells hold every respondent of its sub-teams; team ORG_ID (0) is the
  whole organization. Never an average of averages: respondent sums go into their own
  team's cell, then counts and sums are added up the tree and the spread is pooled exactly
  (M2 = Σ [M2ᵢ + nᵢ(meanᵢ − mean)²], identical to Σ (x − mean)² over the respondents).
- trust index band: the dimensions' bands when they all share one scale (`trust_band_source`).
- trend vs the previous period of `periods`, like for like (`trustmath.trends`): only the
  items of the dimension answered in the cell in both periods count (`shared_items`); each
  respondent's score is recomputed on them, delta = difference of the two means and
  `p_value` a two-sided Welch t-test on them (raw). No shared item: `comparable` False,
  no delta, no p. The trust index uses respondents' own trust scores on the shared items
  for Δ and p alike. `prev_score` is the previous period's full score (for display), so
  delta may differ from score − prev_score. `significant` = Benjamini–Hochberg adjusted p
  (`p_adjusted`) < 0.05 across every trend test of the period (`frames.flag_trends`).
  Needs n ≥ 2 on both sides; otherwise `has_trend` may be True but significant is False.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trustmath.errors import (
    InconsistentResponseError,
    MissingColumnsError,
    RubricError,
    ScoringInputError,
    TeamTreeError,
    UnknownItemError,
    UnknownTeamError,
    ValueOutOfRangeError,
)
from trustmath.frames import (
    DIMENSION_RESULT_COLUMNS,
    TRUST_RESULT_COLUMNS,
    dimension_frame,
    empty_dimension_results,
    empty_trust_results,
    flag_trends,
    trust_band_source,
    trust_frame,
)
from trustmath.rollup import ORG_ID, ancestors, rollup_dimensions, rollup_trust
from trustmath.trends import like_for_like, rollup_sums

__all__ = [
    "DIMENSION_RESULT_COLUMNS",
    "ORG_ID",
    "TRUST_RESULT_COLUMNS",
    "InconsistentResponseError",
    "MissingColumnsError",
    "RubricError",
    "ScoringInputError",
    "ScoringResult",
    "TeamTreeError",
    "UnknownItemError",
    "UnknownTeamError",
    "ValueOutOfRangeError",
    "score",
]


ANSWER_COLUMNS = ("response_id", "team_id", "period", "item_id", "value")
ITEM_COLUMNS = ("item_id", "dimension", "reverse_keyed")
DIMENSION_COLUMNS = ("dimension", "weight", "bands")


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
    team_ids, anc = ancestors(parent_of)
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
    per_dim = int(np.bincount(dim_of_item, minlength=n_dim).max()) if len(dim_of_item) else 0
    # int64 from the packed pass, float64 from the plain sums: one array type for both.
    rd_cnt: np.ndarray
    rd_sum: np.ndarray
    rd_fav: np.ndarray
    if per_dim < 64:
        # One pass instead of three: count, favourable and score/25 are small integers, so
        # they pack exactly into one float weight (count + 64·fav + 4096·score/25) and
        # unpack after a single bincount.
        packed = np.bincount(
            rd_key, weights=(lut_cnt + 64 * lut_fav + 4096 * lut_score / 25)[code], minlength=size
        ).astype(np.int64)
        rd_cnt, rest = packed % 64, packed // 64
        rd_fav, rd_sum = rest % 64, (rest // 64) * 25.0
        del packed, rest
    else:  # a dimension with ≥ 64 items: plain separate sums
        rd_cnt = np.bincount(rd_key, weights=lut_cnt[code], minlength=size)
        rd_sum = np.bincount(rd_key, weights=lut_score[code], minlength=size)
        rd_fav = np.bincount(rd_key, weights=lut_fav[code], minlength=size)
    del rd_key  # `code` is kept: the like-for-like trend reads the answers again
    rd = np.flatnonzero(rd_cnt)
    if rd.size == 0:
        return ScoringResult(empty_dimension_results(), empty_trust_results())
    r_of, d_of = np.divmod(rd, n_dim)
    s_rd = rd_sum[rd] / rd_cnt[rd]
    cnt_rd, fav_rd = rd_cnt[rd].astype(np.float64), rd_fav[rd].astype(np.float64)
    del rd_cnt, rd_sum, rd_fav

    # Each respondent's own weighted trust score (the trust trend uses these).
    w_rd = weights[d_of]
    r_wsum = np.bincount(r_of, weights=w_rd * s_rd, minlength=n_resp)
    r_wtot = np.bincount(r_of, weights=w_rd, minlength=n_resp)
    r_has = np.bincount(r_of, minlength=n_resp) > 0
    r_valid = np.flatnonzero(r_has)
    r_ts_ok = r_wtot[r_valid] > 0
    r_ts = np.where(r_ts_ok, r_wsum[r_valid] / np.where(r_ts_ok, r_wtot[r_valid], 1.0), 0.0)

    cells = rollup_dimensions(
        anc, tcode_r, pcode_r, r_of, d_of, s_rd, cnt_rd, fav_rd, len(team_ids), n_per, n_dim
    )
    # Per-respondent sums for the cluster-robust favourable interval, rolled up like counts.
    cell_key = (tcode_r[r_of] * n_per + pcode_r[r_of]) * n_dim + d_of
    cells["ff"], cells["fa"], cells["aa"] = rollup_sums(
        anc,
        cell_key,
        [fav_rd * fav_rd, fav_rd * cnt_rd, cnt_rd * cnt_rd],
        (len(team_ids), n_per, n_dim),
    )
    trust_cells = rollup_trust(
        anc, tcode_r[r_valid], pcode_r[r_valid], r_ts, r_ts_ok, len(team_ids), n_per
    )
    lf = like_for_like(
        anc,
        tcode_r,
        pcode_r,
        (rcode, icode, code, lut_score, lut_cnt),
        (r_of, d_of, s_rd),
        {
            "n": cells["n"],
            "mean": cells["mean"],
            "ss": cells["ss"],
            "t_n": trust_cells["nts"],
            "t_mean": trust_cells["mean"],
            "t_ss": trust_cells["ss"],
        },
        dim_of_item,
        weights,
    )
    dims = dimension_frame(cells, lf, team_ids, period_index, dim_keys, dimensions)
    trust = trust_frame(
        cells, trust_cells, lf, team_ids, period_index, weights, trust_band_source(dimensions)
    )
    dims, trust = flag_trends(dims, trust)
    return ScoringResult(dims, trust)
