"""The one Wilson interval (trustmath.stats) against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trustmath import decision_metrics, frames, stats
from trustmath.stats import wilson_interval

# z = 1.959964, z² = 3.841459. For k successes of n, p = k/n:
#   denom  = 1 + z²/n
#   centre = (p + z²/2n) / denom
#   half   = z·√(p(1−p)/n + z²/4n²) / denom
# 2 of 4:  denom 1.960365, centre 0.5,      half 0.349960 → 15.004 … 84.996 %
# 1 of 10: denom 1.384146, centre 0.211013, half 0.193136 →  1.788 … 40.415 %
# 0 of 5:  denom 1.768292, centre 0.217241, half 0.217241 →  0     … 43.448 %
# 5 of 5:  the mirror of 0 of 5                           → 56.552 … 100 %
HAND = [
    (2, 4, 50.0, 15.004, 84.996),
    (1, 10, 10.0, 1.788, 40.415),
    (0, 5, 0.0, 0.0, 43.448),
    (5, 5, 100.0, 56.552, 100.0),
]


def test_wilson_interval_matches_hand_computed_values() -> None:
    k = [row[0] for row in HAND]
    n = [row[1] for row in HAND]
    pct, low, high = wilson_interval(np.array(k), np.array(n))
    assert pct == pytest.approx([row[2] for row in HAND])
    assert low == pytest.approx([row[3] for row in HAND], abs=0.001)
    assert high == pytest.approx([row[4] for row in HAND], abs=0.001)


def test_wilson_interval_is_nan_without_trials() -> None:
    pct, low, high = wilson_interval([0, 3], [0, 3])
    assert np.isnan([pct[0], low[0], high[0]]).all()
    assert (pct[1], high[1]) == (100.0, 100.0)


def test_wilson_interval_takes_series_and_keeps_their_shape() -> None:
    pct, low, high = wilson_interval(pd.Series([2, 1]), pd.Series([4, 10]))
    assert pct.shape == low.shape == high.shape == (2,)
    assert low[1] == pytest.approx(1.788, abs=0.001)


def test_a_wider_z_gives_a_wider_interval() -> None:
    _, low95, high95 = wilson_interval([2], [4])
    _, low99, high99 = wilson_interval([2], [4], z=2.575829)
    assert low99[0] < low95[0] and high99[0] > high95[0]


def test_engine_and_decision_metrics_share_the_one_wilson_interval() -> None:
    # Issue 10: the engine's favourable interval is Wilson on a clustered effective n.
    assert frames.clustered_wilson is stats.clustered_wilson
    assert decision_metrics.wilson_interval is wilson_interval
    assert not hasattr(decision_metrics, "Z95")
