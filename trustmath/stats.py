"""Small vectorised statistics for the engine: t intervals, Wilson intervals, Welch tests, bands.

Pure NumPy/SciPy; every function takes and returns arrays so the engine never loops per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


def t_interval(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, *, lo: float = 0.0, hi: float = 100.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """95 % t interval mean ± t(0.975, n−1)·sd/√n, clipped to the score scale [lo, hi].

    Returns (low, high, has_ci). Cells with n < 2 have no interval (has_ci False, NaN bounds
    that the engine turns into <NA>): one respondent says nothing about spread.
    """
    n = np.asarray(n, dtype=np.float64)
    has = n >= 2
    df = np.where(has, n - 1, 1.0)
    tcrit = stats.t.ppf(0.975, df)
    half = np.where(has, tcrit * np.asarray(sd) / np.sqrt(np.where(has, n, 1.0)), np.nan)
    low = np.clip(mean - half, lo, hi)
    high = np.clip(mean + half, lo, hi)
    return low, high, has


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, *, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share successes/trials with its Wilson score interval, all in percent (0–100).

    The one Wilson interval of the project (engine favourable shares, decision check-in
    shares). With p = successes/trials, n = trials and z = 1.96 (95 %):
    centre = (p + z²/2n) / (1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n);
    bounds are centre ± half-width, clipped to [0, 1]. Returns (pct, low, high), each an
    array of the inputs' shape; cells with zero trials are NaN in all three.
    """
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    safe = np.where(n > 0, n, 1.0)
    p = k / safe
    z2 = z * z
    denom = 1.0 + z2 / safe
    centre = (p + z2 / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / denom
    bad = n <= 0
    pct = np.where(bad, np.nan, p * 100)
    low = np.where(bad, np.nan, np.clip(centre - half, 0, 1) * 100)
    high = np.where(bad, np.nan, np.clip(centre + half, 0, 1) * 100)
    return pct, low, high


def welch_test(
    m1: np.ndarray,
    s1: np.ndarray,
    n1: np.ndarray,
    m0: np.ndarray,
    s0: np.ndarray,
    n0: np.ndarray,
    *,
    alpha: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Welch t-test of two independent means from summary statistics.

    Returns (p_value, significant). Needs n ≥ 2 on both sides (otherwise p = NaN, not
    significant). When both groups have zero spread the standard error is 0: p = 0 if the
    means differ (every respondent moved), else 1.
    """
    n1 = np.asarray(n1, dtype=np.float64)
    n0 = np.asarray(n0, dtype=np.float64)
    ok = (n1 >= 2) & (n0 >= 2)
    n1s = np.where(ok, n1, 2.0)
    n0s = np.where(ok, n0, 2.0)
    v1 = np.where(ok, np.asarray(s1) ** 2 / n1s, 0.0)
    v0 = np.where(ok, np.asarray(s0) ** 2 / n0s, 0.0)
    se2 = v1 + v0
    diff = np.asarray(m1) - np.asarray(m0)
    zero = se2 <= 0
    se2s = np.where(zero, 1.0, se2)
    t = np.abs(diff) / np.sqrt(se2s)
    dof_den = np.where(zero, 1.0, v1**2 / (n1s - 1) + v0**2 / (n0s - 1))
    dof = np.where(zero, 1.0, se2s**2 / np.where(dof_den > 0, dof_den, 1.0))
    p = 2 * stats.t.sf(t, dof)
    p = np.where(zero, np.where(diff != 0, 0.0, 1.0), p)
    p = np.where(ok, p, np.nan)
    return p, ok & (p < alpha)


def band_labels(scores: np.ndarray, bands: Sequence[dict[str, Any]]) -> np.ndarray:
    """Label of the band each score falls in: min ≤ score < max, the top band's max included.

    Scores outside every band (a rubric with gaps) get "".
    """
    scores = np.asarray(scores, dtype=np.float64)
    out = np.full(scores.shape, "", dtype=object)
    if not bands:
        return out
    ordered = sorted(bands, key=lambda b: float(b["min"]))
    top = max(float(b["max"]) for b in ordered)
    for b in ordered:  # loop over a rubric's 3–6 bands, not over cells
        lo, hi = float(b["min"]), float(b["max"])
        inside = (scores >= lo) & ((scores < hi) | ((hi == top) & (scores <= hi)))
        out = np.where(inside & (out == ""), b["label"], out)
    return out


def bh_adjust(pvalues: np.ndarray | Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false-discovery rate), NaN-safe.

    Same as R's ``p.adjust(p, "BH")`` over the non-NaN entries: sort ascending, p_(i)·m/i,
    then the running minimum from the largest down, capped at 1. m counts only the tests
    that exist (NaN = no test, kept NaN). Flag a test when its adjusted p < α: that keeps
    the expected share of false flags among the flagged ones at α across the family.
    """
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p.ravel()))
    m = ok.size
    if m == 0:
        return out
    flat = p.ravel()[ok]
    order = np.argsort(flat, kind="stable")
    scaled = flat[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    res = np.empty(m)
    res[order] = adjusted
    out_flat = out.ravel()
    out_flat[ok] = res
    return out_flat.reshape(p.shape)


def round_sig(value: float | None, digits: int = 3) -> float | None:
    """`value` to `digits` significant figures (None/NaN → None): how a p-value is reported,
    so a p of 0.0496 reads 0.0496, never a 0.05 next to "significant"."""
    if value is None or not np.isfinite(value):
        return None
    if value == 0:
        return 0.0
    return float(f"{value:.{digits - 1}e}")


def clustered_wilson(
    favourable: np.ndarray,
    answers: np.ndarray,
    respondents: np.ndarray,
    sum_ff: np.ndarray,
    sum_fa: np.ndarray,
    sum_aa: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Favourable % with a 95 % Wilson interval on a design-effect-adjusted effective n.

    Each respondent answers several items, and one person's answers go together, so the
    answers are not independent trials: the respondent is the cluster. The share is the
    ratio estimator p = F / A (F favourable of A answers); its cluster-robust (linearised)
    variance over the n respondents, with fᵣ, aᵣ each respondent's favourable and answers, is

        v_cl = n / (n − 1) · Σᵣ (fᵣ − p·aᵣ)² / A²

    and the design effect is deff = v_cl / (p(1 − p)/A), clamped to [1, A/n]: below 1 is
    chance (answers of one person do not repel each other) and A/n is "every answer of a
    person identical", one trial per respondent. When it cannot be estimated (p = 0 or 1,
    or n < 2) the conservative A/n is used. The interval is Wilson's on
    n_eff = A / deff trials with p·n_eff successes. Why Wilson on n_eff rather than
    p ± z·√v_cl: Wilson stays inside 0–100 and keeps a width at p = 0 or 1 and at the
    small n of a team, where the Wald form collapses to a zero-width interval.
    Σᵣ (fᵣ − p·aᵣ)² is expanded as Σf² − 2pΣfa + p²Σa², so the three sums roll up the team
    tree like counts. Returns (pct, low, high, n_eff); NaN where A = 0.
    """
    f = np.asarray(favourable, dtype=np.float64)
    a = np.asarray(answers, dtype=np.float64)
    n = np.asarray(respondents, dtype=np.float64)
    has = (a > 0) & (n > 0)
    a_s, n_s = np.where(has, a, 1.0), np.where(has, n, 1.0)
    p = f / a_s
    resid = np.maximum(
        np.asarray(sum_ff) - 2 * p * np.asarray(sum_fa) + p * p * np.asarray(sum_aa), 0.0
    )
    v_cl = np.where(n_s >= 2, n_s / np.maximum(n_s - 1, 1.0) * resid / (a_s * a_s), np.nan)
    v_srs = p * (1 - p) / a_s
    worst = a_s / n_s
    est = (n_s >= 2) & (v_srs > 0)
    deff = np.where(est, v_cl / np.where(est, v_srs, 1.0), worst)
    deff = np.clip(deff, 1.0, np.maximum(worst, 1.0))
    n_eff = a_s / deff
    _, low, high = wilson_interval(p * n_eff, n_eff)
    low, high = np.where(has, low, np.nan), np.where(has, high, np.nan)
    return np.where(has, p * 100, np.nan), low, high, np.where(has, n_eff, np.nan)
