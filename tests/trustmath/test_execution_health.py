"""Scaled metrics, execution health, friction, the team × period join and hotspots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trustmath.execution_health import (
    execution_health,
    friction_index,
    hotspots,
    metric_scaled,
    metric_scores,
    team_period_join,
)
from trustmath.flow import ExecutionInputError

DEFS = pd.DataFrame(
    {
        "metric": ["on_time_pct", "cycle_time_days", "throughput"],
        "floor": [50.0, 20.0, 0.0],
        "target": [90.0, 5.0, 10.0],
        "direction": ["higher", "lower", "higher"],
    }
)


def test_scaled_is_linear_between_floor_and_target_and_clamped() -> None:
    up = metric_scaled(
        pd.Series([40, 50, 70, 90, 120, np.nan]), floor=50, target=90, direction="higher"
    )
    assert up.tolist()[:5] == [0.0, 0.0, 50.0, 100.0, 100.0]
    assert np.isnan(up.iloc[5])
    down = metric_scaled(pd.Series([30, 20, 12.5, 5, 1]), floor=20, target=5, direction="lower")
    assert down.tolist() == [0.0, 0.0, 50.0, 100.0, 100.0]


def test_scaled_floor_equal_target_is_a_step() -> None:
    s = metric_scaled(pd.Series([4.0, 5.0, 6.0]), floor=5, target=5, direction="lower")
    assert s.tolist() == [100.0, 100.0, 0.0]


def test_scaled_refuses_a_target_on_the_wrong_side_or_an_unknown_direction() -> None:
    with pytest.raises(ExecutionInputError, match="target"):
        metric_scaled(pd.Series([1.0]), floor=5, target=20, direction="lower")
    with pytest.raises(ExecutionInputError, match="direction"):
        metric_scaled(pd.Series([1.0]), floor=5, target=20, direction="up")


def _metrics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": [1, 1, 1, 2, 2, 2],
            "period": ["p1"] * 6,
            "metric": [
                "on_time_pct",
                "cycle_time_days",
                "unknown",
                "on_time_pct",
                "cycle_time_days",
                "throughput",
            ],
            "value": [70.0, 12.5, 3.0, 95.0, 30.0, np.nan],
        }
    )


def test_execution_health_is_the_mean_of_scaled_metrics_with_their_parts() -> None:
    h = execution_health(_metrics(), DEFS).set_index("team")
    # Team 1: on time 50, cycle 50 → 50 (the metric without a definition is ignored).
    assert h.loc[1, "execution_health"] == 50.0
    assert h.loc[1, "n_metrics"] == 2
    assert h.loc[1, "parts"] == ("cycle_time_days", "on_time_pct")
    # Team 2: on time 100 (clamped), cycle 0 (clamped); throughput has no value.
    assert h.loc[2, "execution_health"] == 50.0
    assert h.loc[2, "parts"] == ("cycle_time_days", "on_time_pct")


def test_friction_is_100_minus_the_mean_of_trust_and_health() -> None:
    f = friction_index(pd.Series([60.0, 100.0, np.nan]), pd.Series([40.0, 100.0, 50.0]))
    assert f.tolist()[:2] == [50.0, 0.0]
    assert np.isnan(f.iloc[2])


def test_join_makes_one_wide_row_per_team_period_with_friction_and_its_parts() -> None:
    trust = pd.DataFrame(
        {
            "team": [1, 2, 3],
            "period": ["p1"] * 3,
            "trust_index": [70.0, 30.0, 55.0],
            "safety": [80.0, 20.0, 50.0],
            "authority": [60.0, 40.0, 60.0],
        }
    )
    decisions = pd.DataFrame({"team": [1], "period": ["p1"], "stability": [75.0]})
    metrics = _metrics()
    health = execution_health(metrics, DEFS)
    j = team_period_join(trust, decisions, metrics, health).set_index("team")
    assert j.loc[1, "friction_index"] == 100 - (70 + 50) / 2
    assert j.loc[1, "on_time_pct"] == 70.0
    assert j.loc[1, "stability"] == 75.0
    assert j.loc[1, "friction_index_parts"] == (
        "trust_index",
        "execution_health",
        "cycle_time_days",
        "on_time_pct",
    )
    # Team 3 has trust but no metrics: no health, no friction, and no parts behind them.
    assert np.isnan(j.loc[3, "execution_health"])
    assert np.isnan(j.loc[3, "friction_index"])
    assert j.loc[3, "execution_health_parts"] == ()


def test_join_refuses_a_column_coming_from_two_inputs() -> None:
    trust = pd.DataFrame(
        {"team": [1], "period": ["p1"], "trust_index": [1.0], "on_time_pct": [3.0]}
    )
    with pytest.raises(ExecutionInputError, match="two inputs"):
        team_period_join(trust, None, _metrics(), None)


def test_hotspots_are_low_on_both_with_the_dimensions_and_metrics_dragging_them_down() -> None:
    joined = pd.DataFrame(
        {
            "team": [1, 2, 3, 4],
            "period": ["p1"] * 4,
            "trust_index": [80.0, 30.0, 35.0, 70.0],
            "execution_health": [80.0, 20.0, 90.0, 10.0],
            "safety": [80.0, 20.0, 40.0, 70.0],  # mean 52.5
            "authority": [70.0, 60.0, 30.0, 60.0],  # mean 55
            "clarity": [90.0, 10.0, 50.0, 70.0],  # mean 55
        }
    )
    scores = pd.DataFrame(
        {
            "team": [2, 2, 2],
            "period": ["p1"] * 3,
            "metric": ["on_time_pct", "cycle_time_days", "throughput"],
            "scaled": [10.0, 30.0, 80.0],
        }
    )
    out = hotspots(
        joined,
        dimensions=["safety", "authority", "clarity"],
        scores=scores,
        trust_below=50,
        health_below=50,
    )
    assert out["team"].tolist() == [2]
    row = out.iloc[0]
    assert row["friction_index"] == 75.0
    assert row["low_dimensions"] == ("clarity", "safety")  # gaps −45 and −32.5; authority +5
    assert row["low_metrics"] == ("on_time_pct", "cycle_time_days")


def test_hotspots_default_to_below_the_period_median() -> None:
    joined = pd.DataFrame(
        {
            "team": [1, 2, 3, 4, 5],
            "period": ["p1"] * 5,
            "trust_index": [10.0, 20.0, 30.0, 40.0, 50.0],
            "execution_health": [15.0, 60.0, 30.0, 40.0, 50.0],
        }
    )
    assert hotspots(joined)["team"].tolist() == [1]  # medians 30 and 40


def test_metric_scores_keep_only_defined_metrics_with_values() -> None:
    s = metric_scores(_metrics(), DEFS)
    assert len(s) == 4
    assert set(s["metric"]) == {"on_time_pct", "cycle_time_days"}


def test_join_without_trust_or_decisions_still_lists_the_parts() -> None:
    health = execution_health(_metrics(), DEFS)
    j = team_period_join(None, None, _metrics(), health)
    assert j["team"].tolist() == [1, 2]
    assert j["friction_index"].isna().all()  # no trust index: no friction
    assert j["execution_health_parts"].iloc[0] == ("cycle_time_days", "on_time_pct")
    empty = team_period_join(None, None, None, None)
    assert empty.empty
    assert "friction_index_parts" in empty.columns
