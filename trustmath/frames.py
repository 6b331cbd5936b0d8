"""Result frames of the engine: cell arrays → tidy DataFrames with explicit <NA>, bands, trends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trustmath.stats import (
    band_labels,
    bh_adjust,
    clustered_wilson,
    t_interval,
    welch_test,
)

TREND_ALPHA = 0.05

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
    "shared_items",
    "comparable",
    "p_adjusted",
    "favourable_n_eff",
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
    "band",
    "comparable",
    "p_adjusted",
]


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
    "comparable": "bool",
    "shared_items": "int64",
    "p_adjusted": "Float64",
    "sd": "Float64",
    "ci_low": "Float64",
    "ci_high": "Float64",
    "prev_score": "Float64",
    "delta": "Float64",
    "p_value": "Float64",
    "favourable_n_eff": "float64",
}


def _nullable(values: np.ndarray) -> pd.array:
    """Float array with NaN as <NA>: 'no value' is explicit, never a NaN from arithmetic."""
    return pd.array(values, dtype="Float64")


def _sd(ss: np.ndarray, n: np.ndarray) -> np.ndarray:
    return np.where(n >= 2, np.sqrt(ss / np.where(n >= 2, n - 1, 1.0)), np.nan)


def _previous(arr: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """The same cell one period earlier (axis 1 is the ordered period axis)."""
    out = np.full_like(arr, fill)
    out[:, 1:] = arr[:, :-1]
    return out


def dimension_frame(
    c: dict[str, np.ndarray],
    lf: dict[str, np.ndarray],
    team_ids: np.ndarray,
    period_index: pd.Index,
    dim_keys: list[str],
    dimensions: pd.DataFrame,
) -> pd.DataFrame:
    """Dimension cells; the trend on shared items only (`lf`, trustmath.trends).

    `significant` is left False here: `flag_trends` sets it after the FDR correction.
    """
    n, mean, ss = c["n"], c["mean"], c["ss"]
    sd = _sd(ss, n)
    pn = _previous(n)
    cur_sd = np.nan_to_num(_sd(lf["cur_ss"], lf["cur_n"]))
    prev_sd = np.nan_to_num(_sd(lf["prev_ss"], lf["prev_n"]))
    p_val, _ = welch_test(
        lf["cur_mean"], cur_sd, lf["cur_n"], lf["prev_mean"], prev_sd, lf["prev_n"]
    )
    t_i, p_i, d_i = np.nonzero(n > 0)
    n_c, m_c, sd_c = n[t_i, p_i, d_i], mean[t_i, p_i, d_i], sd[t_i, p_i, d_i]
    low, high, has_ci = t_interval(m_c, np.nan_to_num(sd_c), n_c)
    fav_c, ans_c = c["fav"][t_i, p_i, d_i], c["answers"][t_i, p_i, d_i]
    pct, flo, fhi, n_eff = clustered_wilson(
        fav_c,
        ans_c,
        n_c,
        c["ff"][t_i, p_i, d_i],
        c["fa"][t_i, p_i, d_i],
        c["aa"][t_i, p_i, d_i],
    )
    has_trend = pn[t_i, p_i, d_i] > 0
    shared = lf["shared"][t_i, p_i, d_i]
    comparable = has_trend & (shared > 0)
    prev = np.where(has_trend, _previous(mean)[t_i, p_i, d_i], np.nan)
    change = lf["cur_mean"][t_i, p_i, d_i] - lf["prev_mean"][t_i, p_i, d_i]
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
            "delta": _nullable(np.where(comparable, change, np.nan)),
            "p_value": _nullable(np.where(comparable, p_val[t_i, p_i, d_i], np.nan)),
            "significant": np.zeros(len(t_i), dtype=bool),
            "has_trend": has_trend,
            "shared_items": shared.astype(np.int64),
            "comparable": comparable,
            "p_adjusted": _nullable(np.full(len(t_i), np.nan)),
            "favourable_n_eff": n_eff,
        }
    )
    return out.sort_values(["team_id", "period", "dimension"], kind="stable", ignore_index=True)


def trust_band_source(dimensions: pd.DataFrame) -> list[dict[str, Any]]:
    """Bands for the trust index: the dimensions' bands when every dimension has the same
    ranges and labels (as in the shipped rubric), else none — an index mixes dimensions,
    so it can only borrow a scale they all agree on."""
    seen = {
        tuple(sorted((float(b["min"]), float(b["max"]), str(b["label"])) for b in bl))
        for bl in dimensions["bands"].tolist()
        if isinstance(bl, list)
    }
    if len(seen) != 1 or len(dimensions) == 0:
        return []
    return [{"min": lo, "max": hi, "label": label} for lo, hi, label in next(iter(seen))]


def trust_frame(
    c: dict[str, np.ndarray],
    t: dict[str, np.ndarray],
    lf: dict[str, np.ndarray],
    team_ids: np.ndarray,
    period_index: pd.Index,
    weights: np.ndarray,
    bands: list[dict[str, Any]],
) -> pd.DataFrame:
    """Trust index cells. Δ, p and the arrow all come from one statistic: the mean of the
    respondents' own trust scores on the shared items of both periods (trustmath.trends)."""
    present = c["n"] > 0
    wsum = (present * weights).sum(axis=2)
    index = np.divide(
        (present * weights * c["mean"]).sum(axis=2), wsum, out=np.zeros_like(wsum), where=wsum > 0
    )
    ok = (t["n"] > 0) & (wsum > 0)
    cur_sd = np.nan_to_num(_sd(lf["t_cur_ss"], lf["t_cur_n"]))
    prev_sd = np.nan_to_num(_sd(lf["t_prev_ss"], lf["t_prev_n"]))
    p_val, _ = welch_test(
        lf["t_cur_mean"], cur_sd, lf["t_cur_n"], lf["t_prev_mean"], prev_sd, lf["t_prev_n"]
    )
    prev_ok = _previous(ok.astype(np.float64)) > 0
    prev_index = _previous(index)
    t_i, p_i = np.nonzero(ok)
    has_trend = prev_ok[t_i, p_i]
    comparable = has_trend & (lf["t_cur_n"][t_i, p_i] > 0) & (lf["t_prev_n"][t_i, p_i] > 0)
    change = lf["t_cur_mean"][t_i, p_i] - lf["t_prev_mean"][t_i, p_i]
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
            "delta": _nullable(np.where(comparable, change, np.nan)),
            "p_value": _nullable(np.where(comparable, p_val[t_i, p_i], np.nan)),
            "significant": np.zeros(len(t_i), dtype=bool),
            "has_trend": has_trend,
            "band": band_labels(cur, bands),
            "comparable": comparable,
            "p_adjusted": _nullable(np.full(len(t_i), np.nan)),
        }
    )
    return out.sort_values(["team_id", "period"], kind="stable", ignore_index=True)


def flag_trends(
    dims: pd.DataFrame, trust: pd.DataFrame, *, alpha: float = TREND_ALPHA
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Benjamini–Hochberg across every trend test of a period (all teams, dimensions and
    trust index cells of one result), then `significant` = adjusted p < alpha.

    Why per period: a results page or export shows one period's cells, and the family must
    not depend on how many periods a recompute happened to cover (a one-round recompute
    and a full recompute then store the same flags). `p_value` stays the raw p.
    """
    dims, trust = dims.copy(), trust.copy()
    p = np.concatenate(
        [
            dims["p_value"].to_numpy(dtype=np.float64, na_value=np.nan),
            trust["p_value"].to_numpy(dtype=np.float64, na_value=np.nan),
        ]
    )
    period = np.concatenate([dims["period"].to_numpy(), trust["period"].to_numpy()])
    adjusted = np.full(len(p), np.nan)
    codes, _ = pd.factorize(period)
    for code in range(int(codes.max()) + 1 if len(codes) else 0):  # loop over periods
        sel = codes == code
        adjusted[sel] = bh_adjust(p[sel])
    split = len(dims)
    for frame, adj in ((dims, adjusted[:split]), (trust, adjusted[split:])):
        frame["p_adjusted"] = _nullable(adj)
        frame["significant"] = ~np.isnan(adj) & (adj < alpha)
    return dims, trust
