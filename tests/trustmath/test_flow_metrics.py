"""Each flow metric against the hand-computed fixture in flow_fixture.py (Berlin, months)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.trustmath.flow_fixture import AS_OF, STATUS_MAP, TZ, events, items
from trustmath.flow import ExecutionInputError, flow_metrics

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)


def _metrics(ev: pd.DataFrame | None = None, **kwargs: object) -> pd.DataFrame:
    args = {"status_map": STATUS_MAP, "tz": TZ, "period": "month", "as_of": AS_OF, **kwargs}
    return flow_metrics(items(), events() if ev is None else ev, **args)


def _value(out: pd.DataFrame, team: str, period: dt.date, metric: str) -> tuple[float, int]:
    row = out[(out.team == team) & (out.period == period) & (out.metric == metric)]
    assert len(row) == 1, f"{team} {period} {metric}: {len(row)} rows"
    return float(row["value"].iloc[0]), int(row["n"].iloc[0])


def test_output_columns_and_one_row_per_team_period_metric() -> None:
    out = _metrics()
    assert list(out.columns) == ["team", "period", "metric", "value", "n"]
    assert not out.duplicated(["team", "period", "metric"]).any()
    assert all(isinstance(p, dt.date) for p in out["period"])


def test_throughput_counts_done_items_in_their_finishing_period_and_never_canceled_ones() -> None:
    out = _metrics()
    # I1, I2, I3 and I4 (done 28 Feb 23:30 UTC = 1 March in Berlin); I7 was canceled.
    assert _value(out, "A", MARCH, "throughput") == (4.0, 4)
    assert _value(out, "B", APRIL, "throughput") == (1.0, 1)  # I6: 31 Mar 22:30 UTC = 1 April
    assert out[(out.team == "B") & (out.period == MARCH)].empty


def test_on_time_compares_local_days_done_against_due() -> None:
    out = _metrics()
    # I1 done on its due day (10 March), I2 a day late; I3 and I4 have no due date.
    assert _value(out, "A", MARCH, "on_time_pct") == (50.0, 2)
    # I6 finished 1 April in Berlin against a due day of 31 March, although the UTC date agrees.
    assert _value(out, "B", APRIL, "on_time_pct") == (0.0, 1)


def test_lead_time_is_created_to_done_median() -> None:
    # I1 9 d, I2 11 d, I3 10 d, I4 8 d → median 9.5.
    assert _value(_metrics(), "A", MARCH, "lead_time_days") == (9.5, 4)


def test_cycle_time_starts_at_first_in_progress_else_started_at() -> None:
    # I1 2→10 March = 8; I2 first in progress 4 March (moved back later) → 8; I3 4→11 = 7;
    # I4 has no history: started_at 24 Feb → 4. Median 7.5. I6 has no start at all.
    out = _metrics()
    assert _value(out, "A", MARCH, "cycle_time_days") == (7.5, 4)
    assert out[(out.team == "B") & (out.metric == "cycle_time_days")].empty


def test_blocked_time_counts_both_blocks_over_the_cycle() -> None:
    # Blocked: I1 2 days (two blocks of 1 day); cycles 8 + 8 + 7 = 23 days (I4: no history).
    value, n = _value(_metrics(), "A", MARCH, "blocked_pct")
    assert value == pytest.approx(100 * 2 / 23)
    assert n == 3


def test_flow_efficiency_counts_moved_back_and_done_before_reopen_as_waiting() -> None:
    # Active: I1 6 d; I2 1 + 4 = 5 d (3 days back in To Do); I3 4 + 2 = 6 d (1 day in Done
    # before the reopen). 17 / 23.
    value, n = _value(_metrics(), "A", MARCH, "flow_efficiency_pct")
    assert value == pytest.approx(100 * 17 / 23)
    assert n == 3


def test_reopened_share_of_done_items_with_history() -> None:
    value, n = _value(_metrics(), "A", MARCH, "reopened_pct")
    assert value == pytest.approx(100 / 3)
    assert n == 3


def test_handoff_and_back_counts_two_and_first_assignment_none() -> None:
    value, n = _value(_metrics(), "A", MARCH, "handoffs_per_task")
    assert value == pytest.approx(2 / 3)
    assert n == 3


def test_handoff_wait_runs_to_the_next_move_not_the_follow_up() -> None:
    # ann → bob 3 March, bob moves it 4 March (1 d); bob → ann 6 March, chased 7 March,
    # ann's next move 8 March (2 d). Median 1.5 over one item.
    assert _value(_metrics(), "A", MARCH, "handoff_wait_days") == (1.5, 1)


def test_followups_per_task() -> None:
    value, _ = _value(_metrics(), "A", MARCH, "followups_per_task")
    assert value == pytest.approx(1 / 3)


def test_work_item_age_at_each_period_end_in_the_org_time_zone() -> None:
    out = _metrics()
    # End of February = 1 March 00:00 Berlin = 28 Feb 23:00 UTC; I4 (started 24 Feb 23:30 UTC,
    # done 28 Feb 23:30 UTC) is still in progress then: 4 days − 30 minutes.
    assert _value(out, "A", dt.date(2026, 2, 1), "wip_age_days") == (
        pytest.approx(4 - 0.5 / 24),
        1,
    )
    # End of March = 31 March 22:00 UTC (CEST): I5 started 20 March 09:00 → 11 d 13 h.
    assert _value(out, "A", MARCH, "wip_age_days") == (pytest.approx(11 + 13 / 24), 1)
    # The current period ends at as_of (15 April 12:00): 26 d 3 h.
    assert _value(out, "A", APRIL, "wip_age_days") == (pytest.approx(26 + 3 / 24), 1)


def test_without_history_only_the_item_metrics_appear() -> None:
    out = _metrics(ev=events().iloc[0:0])
    assert set(out[out.team == "A"]["metric"]) == {
        "throughput",
        "on_time_pct",
        "lead_time_days",
        "cycle_time_days",
        "wip_age_days",
    }
    # Without events, cycle time falls back to started_at: only I4 has one.
    assert _value(out, "A", MARCH, "cycle_time_days") == (4.0, 1)


def test_events_after_as_of_are_ignored() -> None:
    early = pd.Timestamp("2026-03-09 12:00", tz="UTC")
    out = _metrics(as_of=early)
    # Only I4 is done by then; I3's reopen and second done are in the future.
    assert _value(out, "A", MARCH, "throughput") == (1.0, 1)
    assert out[out.metric == "reopened_pct"].empty


def test_items_are_attributed_to_one_team_only() -> None:
    out = _metrics()
    total = out[out.metric == "throughput"]["value"].sum()
    assert total == 5  # 7 items, one canceled, one open


def test_weekly_periods_use_monday_starts() -> None:
    out = _metrics(period="week")
    weeks = set(out[out.metric == "throughput"]["period"])
    assert all(w.weekday() == 0 for w in weeks)
    assert _value(out, "A", dt.date(2026, 2, 23), "throughput") == (1.0, 1)  # I4: Sun 1 March


def test_integer_team_ids_survive() -> None:
    frame = items().assign(team=[7, 7, 7, 7, 7, 9, 9])
    out = flow_metrics(frame, events(), status_map=STATUS_MAP, tz=TZ, period="month", as_of=AS_OF)
    assert set(out["team"]) == {7, 9}


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(ExecutionInputError, match="lacks columns"):
        flow_metrics(
            items().drop(columns="done_at"),
            events(),
            status_map=STATUS_MAP,
            tz=TZ,
            period="month",
            as_of=AS_OF,
        )
    with pytest.raises(ExecutionInputError, match="repeat ids"):
        flow_metrics(
            pd.concat([items(), items().iloc[:1]]),
            events(),
            status_map=STATUS_MAP,
            tz=TZ,
            period="month",
            as_of=AS_OF,
        )
    with pytest.raises(ExecutionInputError, match="categories"):
        _metrics(status_map={"Done": "finished"})
    with pytest.raises(ExecutionInputError, match="period"):
        _metrics(period="quarter")


def test_empty_items_give_an_empty_frame() -> None:
    out = flow_metrics(
        items().iloc[0:0], None, status_map=STATUS_MAP, tz=TZ, period="month", as_of=AS_OF
    )
    assert out.empty
    assert list(out.columns) == ["team", "period", "metric", "value", "n"]


def test_values_are_finite_floats() -> None:
    out = _metrics()
    assert np.isfinite(out["value"].to_numpy()).all()


def test_items_without_an_id_are_refused_and_events_of_unknown_items_ignored() -> None:
    with pytest.raises(ExecutionInputError, match="without an id"):
        flow_metrics(
            items().assign(item_id=["I1", None, "I3", "I4", "I5", "I6", "I7"]),
            events(),
            status_map=STATUS_MAP,
            tz=TZ,
            period="month",
            as_of=AS_OF,
        )
    stray = pd.DataFrame(
        [("ZZ", "status", "To Do", "Done", pd.Timestamp("2026-03-05", tz="UTC"))],
        columns=["item_id", "field", "from_value", "to_value", "at"],
    )
    with_stray = _metrics(ev=pd.concat([events(), stray], ignore_index=True))
    pd.testing.assert_frame_equal(with_stray, _metrics())
