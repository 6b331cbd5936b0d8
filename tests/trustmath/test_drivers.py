"""Lagged Spearman drivers and Johnson's relative weights (checked against R's rwa)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trustmath.drivers import (
    REASON_CONSTANT,
    REASON_FEW,
    WARNING_FEW,
    lagged_spearman,
    relative_weights,
    relative_weights_bootstrap,
)
from trustmath.flow import ExecutionInputError
from trustmath.stats import bh_adjust

MTCARS = Path(__file__).parent / "fixtures" / "mtcars.csv"
RWA = {"hp": 0.2321744, "cyl": 0.2284797, "disp": 0.2221469, "gear": 0.0963886}


def _planted(n_teams: int = 12, n_periods: int = 6, seed: int = 11) -> pd.DataFrame:
    """`authority` in period t fixes health in t + 1 (health = 10 × authority a period
    earlier); `safety` equals health in the same period; period 0's health is noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for team in range(n_teams):
        authority = rng.random(n_periods)
        health = np.r_[rng.random() * 10, 10 * authority[:-1]]
        for t in range(n_periods):
            rows.append((team, f"2026-{t + 1:02d}", authority[t], health[t], health[t]))
    return pd.DataFrame(rows, columns=["team", "period", "authority", "health", "safety"])


def _row(out: pd.DataFrame, pred: str, lag: int) -> pd.Series:
    return out[(out.predictor == pred) & (out.lag == lag)].iloc[0]


def test_lag_one_finds_the_predictor_that_precedes_the_outcome() -> None:
    out = lagged_spearman(_planted(), predictors=["authority", "safety"], outcome="health")
    lead = _row(out, "authority", 1)
    assert lead["rho"] == pytest.approx(1.0)
    assert lead["n"] == 12 * 5  # the last period has no next period
    assert lead["significant"]
    assert "in the next period" in lead["sentence"]
    same = _row(out, "safety", 0)
    assert same["rho"] == pytest.approx(1.0)
    assert same["n"] == 72
    # Authority does not go with health in the same period here: no finding.
    assert abs(_row(out, "authority", 0)["rho"]) < 0.3
    assert not _row(out, "authority", 0)["significant"]


def test_p_values_are_benjamini_hochberg_adjusted_across_the_family() -> None:
    out = lagged_spearman(_planted(), predictors=["authority", "safety"], outcome="health")
    assert np.allclose(out["p_adjusted"], bh_adjust(out["p"].to_numpy()), equal_nan=True)
    assert list(out.columns) == [
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


def test_lag_pairs_the_next_calendar_period_and_never_across_a_gap() -> None:
    df = pd.DataFrame(
        {
            "team": ["a", "a", "a", "b", "b", "b", "b"],
            "period": ["p1", "p2", "p4", "p1", "p2", "p3", "p4"],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    out = lagged_spearman(df, predictors=["x"], outcome="y", lags=(1,))
    # a: p1→p2 only (p2→p4 skips p3); b: p1→p2, p2→p3, p3→p4.
    assert out["n"].iloc[0] == 4
    assert out["hidden"].iloc[0]
    assert out["reason"].iloc[0] == REASON_FEW
    assert np.isnan(out["rho"].iloc[0])
    assert "not shown" in out["sentence"].iloc[0]


def test_few_team_periods_warn_and_constant_values_are_hidden() -> None:
    df = _planted(n_teams=2, n_periods=6).assign(flat=1.0)
    out = lagged_spearman(df, predictors=["safety", "flat"], outcome="health", lags=(0,))
    safety = _row(out, "safety", 0)
    assert not safety["hidden"]
    assert safety["warning"] == WARNING_FEW
    assert "read it as a hint" in safety["sentence"]
    flat = _row(out, "flat", 0)
    assert flat["hidden"] and flat["reason"] == REASON_CONSTANT
    assert np.isnan(flat["p_adjusted"])


def test_duplicate_team_periods_are_refused() -> None:
    df = pd.concat([_planted(), _planted().iloc[:1]])
    with pytest.raises(ExecutionInputError, match="more than one row"):
        lagged_spearman(df, predictors=["safety"], outcome="health")


def test_relative_weights_match_r_rwa_on_mtcars() -> None:
    cars = pd.read_csv(MTCARS)
    assert len(cars) == 32
    w = relative_weights(cars, "mpg", ["cyl", "disp", "hp", "gear"])
    assert isinstance(w, pd.Series)
    for name, expected in RWA.items():
        assert w[name] == pytest.approx(expected, abs=5e-8)
    assert w.sum() == pytest.approx(0.7791896, abs=5e-8)
    assert w.attrs["r2"] == pytest.approx(0.7791896, abs=5e-8)


def test_relative_weights_sum_to_the_ols_r_squared() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([1.0, 0.5, 0.0]) + rng.normal(size=200)
    df = pd.DataFrame(np.c_[x, y], columns=["a", "b", "c", "y"])
    design = np.c_[np.ones(200), x]
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert relative_weights(df, "y", ["a", "b", "c"]).sum() == pytest.approx(r2)


def test_bootstrap_intervals_contain_the_estimate_and_repeat_with_a_seed() -> None:
    cars = pd.read_csv(MTCARS)
    preds = ["cyl", "disp", "hp", "gear"]
    a = relative_weights_bootstrap(cars, "mpg", preds, seed=7)
    b = relative_weights_bootstrap(cars, "mpg", preds, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["low"] <= a["weight"]) & (a["weight"] <= a["high"])).all()
    assert a.attrs["method"] == "percentile"
    assert a.attrs["n_boot"] == 1000
    assert a.attrs["r2_low"] <= a.attrs["r2"] <= a.attrs["r2_high"]
    assert a["share_pct"].sum() == pytest.approx(100.0)
    c = relative_weights_bootstrap(cars, "mpg", preds, seed=8)
    assert not np.allclose(a["low"], c["low"])


def test_bootstrap_is_hidden_below_five_team_periods() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 1.0, 4.0, 3.0]})
    out = relative_weights_bootstrap(df, "y", ["x"])
    assert out.attrs["hidden"] and out.attrs["reason"] == REASON_FEW
    assert out["weight"].isna().all()
