"""Decision-to-action lag by Kaplan–Meier, against hand-computed censored fixtures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trustmath import decision_metrics as dm

D = dt.date
JAN, FEB = D(2026, 1, 1), D(2026, 2, 1)


def _answers(rows: list[tuple]) -> pd.DataFrame:
    """rows: (decision_id, answered_on, period, acted), all decided on 2026-01-01, team 10."""
    return pd.DataFrame(
        [(d, JAN, on, p, 10, 4, acted, "never") for d, on, p, acted in rows],
        columns=dm.ANSWER_COLUMNS,
    )


def _fixture() -> pd.DataFrame:
    return _answers(
        [
            (1, D(2026, 1, 4), JAN, "yes"),  # event at 3 days
            (2, D(2026, 1, 6), JAN, "blocked"),  # never "yes": censored at 5
            (3, D(2026, 1, 2), JAN, "waiting_confirmation"),
            (3, D(2026, 1, 9), JAN, "yes"),  # event at 8 (its first yes)
            (3, D(2026, 1, 12), JAN, "yes"),  # a later yes changes nothing
            (4, D(2026, 1, 3), JAN, "unclear_owner"),
            (4, D(2026, 1, 11), JAN, "blocked"),  # censored at its latest check-in: 10
            (5, D(2026, 1, 13), JAN, "yes"),  # event at 12
            (6, D(2026, 1, 16), JAN, "not_relevant"),  # censored at 15
        ]
    )


def test_kaplan_meier_median_counts_decisions_still_waiting_as_censored() -> None:
    out = dm.aggregate(_fixture(), by=["team_id", "period"]).iloc[0]
    # Times: 3 (event), 5 (censored), 8 (event), 10 (censored), 12 (event), 15 (censored).
    # S(3)  = 1 − 1/6                 = 0.8333  (6 at risk)
    # S(8)  = 0.8333 · (1 − 1/4)      = 0.6250  (4 at risk: 8, 10, 12, 15)
    # S(12) = 0.6250 · (1 − 1/2)      = 0.3125  (2 at risk: 12, 15)  → first S ≤ 0.5
    # Kaplan–Meier median = 12 days; the old median of the "yes" lags alone (3, 8, 12) was 8.
    assert out["lag_median_days"] == pytest.approx(12.0)
    assert out["lag_decisions"] == 3
    assert out["lag_waiting"] == 3


def test_km_median_is_the_midpoint_where_the_curve_sits_at_one_half() -> None:
    lags = pd.DataFrame(
        {
            "g": ["a"] * 4 + ["b"] * 3 + ["c"] * 3,
            "lag_days": [2.0, 4, 6, 8, 5, 5, 7, 4, 6, 9],
            "event": [True, True, True, True, True, False, True, True, False, False],
        }
    )
    out = dm.km_median(lags, by=["g"]).set_index("g")
    # a: no censoring, S(4) = 1 − 2/4 = 0.5 exactly, flat until 6 → (4 + 6)/2 = 5, the
    #    ordinary sample median.
    assert out.loc["a", "lag_median_days"] == pytest.approx(5.0)
    # b: event and censoring both at 5: 3 at risk at 5 (the censored one still counts),
    #    S(5) = 2/3; S(7) = 2/3 · (1 − 1/1) = 0 → median 7.
    assert out.loc["b", "lag_median_days"] == pytest.approx(7.0)
    assert (out.loc["b", "lag_decisions"], out.loc["b", "lag_waiting"]) == (2, 1)
    # c: S(4) = 2/3 and no later event: more than half still waiting, median not reached.
    assert np.isnan(out.loc["c", "lag_median_days"])
    assert out.loc["c", "lag_waiting"] == 2


def test_a_waiting_decision_is_censored_in_the_period_of_its_latest_check_in() -> None:
    df = _answers(
        [
            (1, D(2026, 1, 11), JAN, "yes"),  # event at 10, January
            (2, D(2026, 1, 20), JAN, "blocked"),
            (2, D(2026, 2, 5), FEB, "blocked"),  # censored at 35, in February
        ]
    )
    out = dm.aggregate(df, by=["period"]).set_index("period")
    assert out.loc[JAN, "lag_median_days"] == pytest.approx(10.0)
    assert (out.loc[JAN, "lag_decisions"], out.loc[JAN, "lag_waiting"]) == (1, 0)
    assert (out.loc[FEB, "lag_decisions"], out.loc[FEB, "lag_waiting"]) == (0, 1)
    assert np.isnan(out.loc[FEB, "lag_median_days"])


def test_suppressed_decisions_blank_the_waiting_count_too() -> None:
    out = dm.per_decision(
        _fixture(),
        pd.DataFrame(columns=["change_id", "decision_id", "to_status"]),
        decision_ids=[2],
        k=5,
    )
    assert bool(out.loc[0, "suppressed"]) and np.isnan(out.loc[0, "lag_waiting"])
