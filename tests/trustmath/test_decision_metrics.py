"""Each decision metric against a hand-computed fixture (expected numbers written by hand)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from trustmath import decision_metrics as dm
from trustmath.suppression import REASON_FEWER_THAN_K

D = dt.date
JAN, FEB = D(2026, 1, 1), D(2026, 2, 1)


def answers() -> pd.DataFrame:
    rows = [
        # decision 1, decided 2026-01-01
        (1, D(2026, 1, 1), D(2026, 1, 8), JAN, 10, 5, "yes", "never"),
        (1, D(2026, 1, 1), D(2026, 1, 8), JAN, 10, 4, "waiting_confirmation", "once"),
        (1, D(2026, 1, 1), D(2026, 1, 10), JAN, 10, 2, "yes", "several"),
        (1, D(2026, 1, 1), D(2026, 1, 9), JAN, 10, None, "blocked", "several"),
        (1, D(2026, 1, 1), D(2026, 1, 31), JAN, 10, 3, "yes", "never"),
        # decision 2, decided 2026-01-05
        (2, D(2026, 1, 5), D(2026, 1, 12), JAN, 10, 1, "waiting_confirmation", "several"),
        (2, D(2026, 1, 5), D(2026, 1, 20), JAN, 10, 4, "yes", "once"),
        (2, D(2026, 1, 5), D(2026, 2, 4), FEB, 10, 5, "waiting_confirmation", "never"),
    ]
    df = pd.DataFrame(rows, columns=dm.ANSWER_COLUMNS)
    df["holding"] = pd.to_numeric(df["holding"])
    return df


def changes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (1, 1, "decided"),
            (2, 1, "being_revisited"),
            (3, 1, "decided"),
            (4, 1, "reversed"),
            (5, 2, "decided"),
            (6, 2, "superseded"),
        ],
        columns=["change_id", "decision_id", "to_status"],
    )


def test_per_decision_metrics_match_hand_computed_values() -> None:
    out = dm.per_decision_figures(answers(), changes(), decision_ids=[1, 2, 3]).set_index(
        "decision_id"
    )
    d1 = out.loc[1]
    assert d1["n"] == 5
    assert d1["stability_pct"] == pytest.approx(50.0)  # 5,4 of 5,4,2,3 (one skip)
    assert d1["stability_n"] == 4
    assert d1["action_pct"] == pytest.approx(60.0)  # 3 yes of 5
    assert d1["wait_pct"] == pytest.approx(20.0)  # 1 of 5
    assert d1["circling_pct"] == pytest.approx(40.0)  # 2 of 5
    assert d1["lag_median_days"] == 7  # first yes on 01-08
    assert d1["reopen_count"] == 2  # being_revisited + reversed
    assert d1["stability_lo"] == pytest.approx(15.003, abs=0.01)


def test_a_share_over_fewer_than_k_answers_is_hidden_inside_a_shown_decision() -> None:
    # Decision 1: 5 answers, but "still holding" answered by 4 (one skip): at k = 5 the
    # share is hidden on its own; the other shares (5 answers each) stay shown.
    d1 = (
        dm.per_decision(answers(), changes(), decision_ids=[1], k=5).set_index("decision_id").loc[1]
    )
    assert not d1["suppressed"] and d1["n"] == 5
    for col in ("stability_pct", "stability_lo", "stability_hi", "stability_n"):
        assert pd.isna(d1[col]), col
    assert d1["stability_reason"] == REASON_FEWER_THAN_K
    assert d1["action_pct"] == pytest.approx(60.0) and d1["action_reason"] == ""
    # At k = 4 the share has enough answers of its own.
    d1 = (
        dm.per_decision(answers(), changes(), decision_ids=[1], k=4).set_index("decision_id").loc[1]
    )
    assert d1["stability_pct"] == pytest.approx(50.0) and d1["stability_reason"] == ""


def test_the_lag_of_one_decision_is_never_shown() -> None:
    # A decision's lag is the day of one person's first "yes": its n is 1 decision.
    d1 = (
        dm.per_decision(answers(), changes(), decision_ids=[1], k=3).set_index("decision_id").loc[1]
    )
    assert not d1["suppressed"]
    assert pd.isna(d1["lag_median_days"]) and d1["lag_reason"] == REASON_FEWER_THAN_K


def test_per_decision_below_k_is_suppressed_without_numbers() -> None:
    out = dm.per_decision(answers(), changes(), decision_ids=[1, 2, 3], k=5).set_index(
        "decision_id"
    )
    d2 = out.loc[2]
    assert d2["suppressed"]
    assert d2["reason"] == REASON_FEWER_THAN_K  # a code: core.reasons has the words
    for col in ("n", "stability_pct", "action_pct", "wait_pct", "circling_pct", "lag_median_days"):
        assert pd.isna(d2[col]), col
    assert d2["reopen_count"] == 0  # superseded is not a reopening
    d3 = out.loc[3]
    assert d3["suppressed"] and d3["reopen_count"] == 0


def test_team_period_aggregates_include_suppressed_decisions_answers() -> None:
    ancestors = pd.DataFrame([(0, 0), (10, 10), (10, 0)], columns=["team_id", "unit_id"])
    cells = dm.team_period_cells(
        answers(), pd.DataFrame(columns=["change_id", "team_id", "period", "to_status"]), ancestors
    ).set_index(["team_id", "period"])
    jan = cells.loc[(10, JAN)]
    assert jan["n"] == 7 and jan["n_own"] == 7
    assert jan["stability_pct"] == pytest.approx(50.0)  # 5,4,4 of 5,4,2,3,1,4
    assert jan["action_pct"] == pytest.approx(400 / 7)  # 4 yes of 7
    assert jan["wait_pct"] == pytest.approx(200 / 7)  # 2 of 7
    assert jan["circling_pct"] == pytest.approx(300 / 7)  # 3 of 7
    # decision 1: 7 days, decision 2: 15 days (first yes 01-20) -> median 11
    assert jan["lag_median_days"] == pytest.approx(11.0)
    assert jan["lag_decisions"] == 2
    feb = cells.loc[(10, FEB)]
    assert feb["n"] == 1 and pd.isna(feb["lag_median_days"])
    org = cells.loc[(0, JAN)]
    assert org["n"] == 7 and org["n_own"] == 0


def test_lag_counts_the_first_yes_once_in_its_period() -> None:
    df = answers()
    # A later yes for decision 1 in February must not add a second lag for it.
    extra = pd.DataFrame(
        [(1, D(2026, 1, 1), D(2026, 2, 10), FEB, 10, 4, "yes", "never")], columns=dm.ANSWER_COLUMNS
    )
    both = pd.concat([df, extra], ignore_index=True)
    out = dm.aggregate(both, by=["period"]).set_index("period")
    assert out.loc[FEB, "lag_decisions"] == 0 and pd.isna(out.loc[FEB, "lag_median_days"])
    assert out.loc[JAN, "lag_median_days"] == pytest.approx(11.0)


def test_reopenings_roll_up_once_per_unit() -> None:
    ancestors = pd.DataFrame(
        [(0, 0), (1, 1), (1, 0), (2, 2), (2, 1), (2, 0), (3, 3), (3, 1), (3, 0)],
        columns=["team_id", "unit_id"],
    )
    reopen = pd.DataFrame(
        [(7, 2, JAN, "being_revisited"), (7, 3, JAN, "being_revisited"), (8, 2, JAN, "decided")],
        columns=["change_id", "team_id", "period", "to_status"],
    )
    cells = dm.team_period_cells(dm.empty_answers(), reopen, ancestors).set_index(
        ["team_id", "period"]
    )
    assert cells.loc[(2, JAN), "reopen_count"] == 1
    assert cells.loc[(3, JAN), "reopen_count"] == 1
    assert cells.loc[(1, JAN), "reopen_count"] == 1  # one change, two sub-teams: counted once
    assert cells.loc[(0, JAN), "reopen_count"] == 1
    assert cells.loc[(1, JAN), "n"] == 0
