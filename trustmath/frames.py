"""Result frames of the engine: cell arrays → tidy DataFrames with explicit <NA>, bands, trends."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustmath.stats import band_labels, t_interval, welch_test, wilson_interval

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


def _sd(ss: np.ndarray, n: np.ndarray) -> np.ndarray:
    return np.where(n >= 2, np.sqrt(ss / np.where(n >= 2, n - 1, 1.0)), np.nan)


def _previous(arr: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """The same cell one period earlier (axis 1 is the ordered period axis)."""
    out = np.full_like(arr, fill)
    out[:, 1:] = arr[:, :-1]
    return out


def dimension_frame(
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


def trust_frame(
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
