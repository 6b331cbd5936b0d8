"""Drivers: which trust dimensions go with (and precede) execution health across team-periods.

- :func:`lagged_spearman` — for each predictor (a trust dimension) and lag L (0 = the same
  period, 1 = the team's **next** period): Spearman's ρ between the predictor in period t and
  the outcome of the same team in period t + L, over every team-period where both exist.
  "Next" is the next period on the calendar of the input (the sorted distinct periods), so a
  team that skipped a period contributes no pair across the gap. p is SciPy's two-sided
  p-value (t approximation); ``p_adjusted`` is Benjamini–Hochberg over every shown test of
  the call (``trustmath.stats.bh_adjust``); ``significant`` = p_adjusted < α (0.05).
  Hidden (no ρ, no p) with ``reason`` "fewer_than_5_team_periods" below 5 pairs, or
  "no_variation" when a side is constant; ``warning`` "fewer_than_50_team_periods" below
  50 pairs. ``sentence`` says it in words.
- :func:`relative_weights` — Johnson's (2000) relative weights: with R the predictors'
  correlation matrix = V diag(λ) Vᵀ and Λ = V diag(√λ) Vᵀ (its square root), the outcome is
  regressed on the orthogonal counterparts Z of the predictors, β = Λ⁻¹ r_xy; the raw
  weight of predictor j is Σₖ Λ²_jk β²_k, and the raw weights sum to R² (complete cases).
  Checked against R's ``rwa`` on mtcars.
- :func:`relative_weights_bootstrap` — the same on ``n_boot`` (default 1,000) resamples of
  the rows with replacement, seeded; **percentile** intervals (2.5th and 97.5th
  percentiles of the resampled weights; resamples where a predictor is constant are left
  out). All resamples are solved at once as stacked matrices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from trustmath.flowtime import ExecutionInputError
from trustmath.stats import bh_adjust, round_sig

MIN_N = 5
WARN_N = 50
REASON_FEW = "fewer_than_5_team_periods"
REASON_CONSTANT = "no_variation"
WARNING_FEW = "fewer_than_50_team_periods"
SPEARMAN_COLUMNS = [
    "predictor",
    "lag",
    "rho",
    "n",
    "p",
    "p_adjusted",
    "significant",
    "hidden",
    "reason",
    "warning",
    "sentence",
]


def _pairs(
    df: pd.DataFrame, predictors: Sequence[str], outcome: str, team: str, period: str, lag: int
) -> pd.DataFrame:
    """Predictors at period t next to the same team's outcome at t + lag (calendar of df)."""
    rank, _ = pd.factorize(df[period], sort=True)
    base = df[[team, *predictors]].assign(_rank=rank)
    later = df[[team]].assign(_rank=rank - lag, _y=df[outcome].to_numpy(dtype=float))
    return base.merge(later, on=[team, "_rank"], how="inner")


def _when(lag: int) -> str:
    return {0: "in the same period", 1: "in the next period"}.get(lag, f"{lag} periods later")


def _sentence(
    name: str, outcome: str, lag: int, rho: float, n: int, p_adj: float, sig: bool, reason: str
) -> str:
    if reason == REASON_FEW:
        return f"{name}: not shown, only {n} team-periods (at least {MIN_N} are needed)."
    if reason == REASON_CONSTANT:
        return f"{name}: not shown, the values do not vary across the {n} team-periods."
    stat = f"ρ = {rho:.2f}, n = {n}, adjusted p = {round_sig(p_adj)}"
    if sig:
        way = "higher" if rho > 0 else "lower"
        text = f"Teams with higher {name} had {way} {outcome} {_when(lag)} ({stat})."
    else:
        text = f"No reliable link between {name} and {outcome} {_when(lag)} ({stat})."
    if n < WARN_N:
        text += f" Few team-periods (fewer than {WARN_N}): read it as a hint."
    return text


def lagged_spearman(
    df: pd.DataFrame,
    *,
    predictors: list[str],
    outcome: str,
    team: str = "team",
    period: str = "period",
    lags: Sequence[int] = (0, 1),
    alpha: float = 0.05,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per predictor × lag (columns ``SPEARMAN_COLUMNS``)."""
    missing = [c for c in [team, period, outcome, *predictors] if c not in df.columns]
    if missing:
        raise ExecutionInputError(f"drivers input lacks columns {missing}.")
    if df.duplicated([team, period]).any():
        raise ExecutionInputError("drivers input has more than one row per team × period.")
    labels = dict(labels or {})
    rows = []
    for lag in lags:  # loops over lags and predictors, never rows
        pairs = _pairs(df, predictors, outcome, team, period, lag)
        y_all = pairs["_y"].to_numpy(dtype=float)
        for pred in predictors:
            x = pd.to_numeric(pairs[pred], errors="coerce").to_numpy(dtype=float)
            ok = ~np.isnan(x) & ~np.isnan(y_all)
            n = int(ok.sum())
            rho = p = np.nan
            reason = ""
            if n < MIN_N:
                reason = REASON_FEW
            elif np.ptp(x[ok]) == 0 or np.ptp(y_all[ok]) == 0:
                reason = REASON_CONSTANT
            else:
                res = sps.spearmanr(x[ok], y_all[ok])
                rho, p = float(res.statistic), float(res.pvalue)
            rows.append((pred, int(lag), rho, n, p, reason))
    out = pd.DataFrame(rows, columns=["predictor", "lag", "rho", "n", "p", "reason"])
    out["p_adjusted"] = bh_adjust(out["p"].to_numpy(dtype=float))
    out["significant"] = (out["p_adjusted"] < alpha).to_numpy(dtype=bool)
    out["hidden"] = out["reason"] != ""
    out["warning"] = np.where(~out["hidden"] & (out["n"] < WARN_N), WARNING_FEW, "")
    out["sentence"] = [
        _sentence(labels.get(pr, pr), labels.get(outcome, outcome), lg, r, n, pa, s, rs)
        for pr, lg, r, n, pa, s, rs in zip(
            out["predictor"],
            out["lag"],
            out["rho"],
            out["n"],
            out["p_adjusted"],
            out["significant"],
            out["reason"],
            strict=True,
        )
    ]  # one sentence per predictor × lag (a handful), not per data row
    return out[SPEARMAN_COLUMNS]


def _complete(df: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> np.ndarray:
    missing = [c for c in [outcome, *predictors] if c not in df.columns]
    if missing:
        raise ExecutionInputError(f"relative weights input lacks columns {missing}.")
    if len(predictors) == 0:
        raise ExecutionInputError("relative weights need at least one predictor.")
    data = df[[*predictors, outcome]].apply(pd.to_numeric, errors="coerce").dropna()
    return data.to_numpy(dtype=float)


def _weights(data: np.ndarray) -> np.ndarray:
    """Raw relative weights for stacked samples: data (B, n, p + 1), outcome last → (B, p);
    NaN for a sample where a column is constant."""
    centred = data - data.mean(axis=1, keepdims=True)
    cov = np.einsum("bni,bnj->bij", centred, centred)
    sd = np.sqrt(np.einsum("bii->bi", cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    bad = ~np.isfinite(corr).all(axis=(1, 2))
    corr[bad] = np.eye(corr.shape[1])
    rxx, rxy = corr[:, :-1, :-1], corr[:, :-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(evals, 0.0, None))
    lam = np.einsum("bik,bk,bjk->bij", evecs, root, evecs)  # R^(1/2)
    # β = Λ⁻¹ r_xy; the pseudo-inverse keeps a collinear resample from failing the stack.
    beta = np.einsum("bij,bj->bi", np.linalg.pinv(lam), rxy)
    raw = np.einsum("bjk,bk->bj", lam**2, beta**2)
    raw[bad] = np.nan
    return raw


def relative_weights(df: pd.DataFrame, outcome: str, predictors: list[str]) -> pd.Series:
    """Johnson's raw relative weights (index = predictors), summing to R²; ``attrs`` r2, n."""
    data = _complete(df, outcome, predictors)
    if data.shape[0] < len(predictors) + 2:
        raise ExecutionInputError(
            f"relative weights need at least {len(predictors) + 2} complete rows, got {data.shape[0]}."
        )
    raw = _weights(data[None, :, :])[0]
    if np.isnan(raw).any():
        raise ExecutionInputError("relative weights: a predictor or the outcome is constant.")
    out = pd.Series(raw, index=list(predictors), name="weight")
    out.attrs.update(r2=float(raw.sum()), n=int(data.shape[0]))
    return out


def relative_weights_bootstrap(
    df: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """predictor, weight, low, high, share_pct (weight / R² × 100); percentile intervals.

    ``attrs``: r2, r2_low, r2_high, n, n_boot, seed, method ("percentile"), hidden, reason,
    warning. Below 5 complete team-periods (or fewer than predictors + 2) nothing is
    computed: hidden with the reason.
    """
    data = _complete(df, outcome, predictors)
    n = int(data.shape[0])
    cols = ["predictor", "weight", "low", "high", "share_pct"]
    attrs: dict[str, object] = dict(
        n=n,
        n_boot=n_boot,
        seed=seed,
        method="percentile",
        level=level,
        hidden=False,
        reason="",
        warning=WARNING_FEW if n < WARN_N else "",
    )
    if n < max(MIN_N, len(predictors) + 2):
        out = pd.DataFrame({"predictor": list(predictors)}).reindex(columns=cols)
        attrs.update(hidden=True, reason=REASON_FEW, r2=np.nan, r2_low=np.nan, r2_high=np.nan)
        out.attrs.update(attrs)
        return out
    point = relative_weights(df, outcome, predictors)
    rng = np.random.default_rng(seed)
    tail = (1.0 - level) / 2.0 * 100.0
    boots = []
    chunk = max(1, 2_000_000 // max(n * data.shape[1], 1))  # bounded memory per stack
    for start in range(0, n_boot, chunk):  # loops over chunks of resamples, not rows
        size = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(size, n))
        boots.append(_weights(data[idx]))
    w = np.concatenate(boots)
    r2 = w.sum(axis=1)
    with np.errstate(invalid="ignore"):
        low, high = np.nanpercentile(w, [tail, 100.0 - tail], axis=0)
        r2_low, r2_high = np.nanpercentile(r2, [tail, 100.0 - tail])
    out = pd.DataFrame(
        {
            "predictor": list(predictors),
            "weight": point.to_numpy(),
            "low": low,
            "high": high,
            "share_pct": 100.0 * point.to_numpy() / point.attrs["r2"],
        }
    )
    attrs.update(r2=point.attrs["r2"], r2_low=float(r2_low), r2_high=float(r2_high))
    out.attrs.update(attrs)
    return out
