"""Favourable % interval with the respondent as cluster, α refused below 3, trust index band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trustmath.reliability import REASON_TOO_FEW_RESPONDENTS, ReliabilityError, cronbach_alpha
from trustmath.stats import clustered_wilson, wilson_interval


def _sums(per_respondent: list[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    f = np.array([x for x, _ in per_respondent], dtype=float)
    a = np.array([y for _, y in per_respondent], dtype=float)
    return (
        np.array([f.sum()]),
        np.array([a.sum()]),
        np.array([float(len(f))]),
        np.array([(f * f).sum()]),
        np.array([(f * a).sum()]),
        np.array([(a * a).sum()]),
    )


def test_clustered_interval_matches_a_hand_computation() -> None:
    # 4 respondents, 2 answers each, favourable 2, 1, 1, 0: F = 4, A = 8, p = 0.5.
    # Residuals fᵣ − p·aᵣ = 1, 0, 0, −1 → Σ² = 2.
    # v_cl = n/(n−1) · Σ² / A² = 4/3 · 2/64 = 0.0416667; v_srs = p(1−p)/A = 0.03125
    # deff = 1.333333 (inside [1, A/n = 2]) → n_eff = 8 / 1.333333 = 6.
    # Wilson on 3 of 6: z² = 3.841459, denom = 1 + z²/6 = 1.640243,
    # centre = (0.5 + z²/12) / denom = 0.5,
    # half = z·√(0.25/6 + z²/144) / denom = 1.959964·0.261426 / 1.640243 = 0.312384
    pct, low, high, n_eff = clustered_wilson(*_sums([(2, 2), (1, 2), (1, 2), (0, 2)]))
    assert n_eff[0] == pytest.approx(6.0)
    assert pct[0] == pytest.approx(50.0)
    assert low[0] == pytest.approx(18.7616, abs=1e-3)
    assert high[0] == pytest.approx(81.2384, abs=1e-3)
    # Treating the 8 answers as independent (the old interval) is narrower.
    _, old_low, _ = wilson_interval([4], [8])
    assert old_low[0] > low[0]


def test_design_effect_is_clamped_to_one_trial_per_respondent_at_most() -> None:
    # Respondents (2 of 2), (0 of 2), (1 of 1): F = 3, A = 5, p = 0.6.
    # Residuals 0.8, −1.2, 0.4 → Σ² = 2.24; v_cl = 3/2 · 2.24/25 = 0.1344;
    # v_srs = 0.24/5 = 0.048; deff = 2.8 > A/n = 5/3 → clamped: n_eff = 3 (respondents).
    _, low, high, n_eff = clustered_wilson(*_sums([(2, 2), (0, 2), (1, 1)]))
    assert n_eff[0] == pytest.approx(3.0)
    _, w_low, w_high = wilson_interval([1.8], [3.0])  # p·n_eff = 1.8 of 3
    assert (low[0], high[0]) == pytest.approx((w_low[0], w_high[0]))


def test_one_answer_per_respondent_is_the_plain_wilson_interval() -> None:
    # A/n = 1: no clustering is possible, n_eff = A.
    _, low, high, n_eff = clustered_wilson(*_sums([(1, 1), (1, 1), (0, 1), (1, 1)]))
    _, w_low, w_high = wilson_interval([3], [4])
    assert n_eff[0] == pytest.approx(4.0)
    assert (low[0], high[0]) == pytest.approx((w_low[0], w_high[0]))


def test_all_favourable_uses_the_conservative_effective_n() -> None:
    # p = 1: deff not estimable → A/n = 6/3 = 2 → n_eff = 3.
    _, low, high, n_eff = clustered_wilson(*_sums([(2, 2), (2, 2), (2, 2)]))
    _, w_low, _ = wilson_interval([3], [3])
    assert n_eff[0] == pytest.approx(3.0) and low[0] == pytest.approx(w_low[0])
    assert high[0] == pytest.approx(100.0)


def test_alpha_is_refused_below_three_respondents_with_a_reason() -> None:
    two = pd.DataFrame({"i1": [1.0, 5.0], "i2": [2.0, 4.0], "i3": [1.0, 5.0]})
    with pytest.raises(ReliabilityError) as err:
        cronbach_alpha(two)
    assert err.value.reason == REASON_TOO_FEW_RESPONDENTS
    assert "at least 3" in str(err.value)
    three = pd.concat([two, pd.DataFrame({"i1": [3.0], "i2": [3.0], "i3": [2.0]})])
    assert cronbach_alpha(three).n == 3
