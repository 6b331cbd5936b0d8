"""Handoff events, the team × team matrix, handoffs per person and waiting items."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.trustmath.flow_fixture import AS_OF, STATUS_MAP, TZ, events, items
from trustmath.handoffs import (
    HANDOFF_COLUMNS,
    handoff_events,
    handoff_matrix,
    handoffs_per_person,
    waiting_items,
)

MARCH = dt.date(2026, 3, 1)


def _with_team_move() -> pd.DataFrame:
    """The fixture plus I1 moving from team A to team B on 7 March (I1's next move: done on
    10 March, 3 days later)."""
    extra = pd.DataFrame(
        [("I1", "team", "A", "B", pd.Timestamp("2026-03-07 09:00", tz="UTC"))],
        columns=["item_id", "field", "from_value", "to_value", "at"],
    )
    return pd.concat([events(), extra], ignore_index=True)


def test_handoff_and_back_gives_two_rows_with_people_waits_and_the_later_reopen() -> None:
    h = handoff_events(items(), events(), status_map=STATUS_MAP)
    assert list(h.columns) == HANDOFF_COLUMNS
    assert h[["item_id", "from_person", "to_person"]].values.tolist() == [
        ["I3", "ann", "bob"],
        ["I3", "bob", "ann"],
    ]
    assert h["wait_days"].tolist() == [1.0, 2.0]
    assert (h["from_team"] == "A").all() and (h["to_team"] == "A").all()
    assert h["reopened_after"].tolist() == [True, True]
    assert not h["waiting"].any()


def test_a_team_handoff_carries_the_assignee_at_that_moment() -> None:
    h = handoff_events(items(), _with_team_move(), status_map=STATUS_MAP)
    row = h[h["field"] == "team"].iloc[0]
    assert (row["from_team"], row["to_team"]) == ("A", "B")
    assert (row["from_person"], row["to_person"]) == ("ann", "ann")
    assert row["wait_days"] == 3.0
    assert not row["reopened_after"]


def test_assignee_handoff_after_a_team_move_belongs_to_the_new_team() -> None:
    ev = pd.concat(
        [
            _with_team_move(),
            pd.DataFrame(
                [("I1", "assignee", "ann", "eve", pd.Timestamp("2026-03-08 09:00", tz="UTC"))],
                columns=["item_id", "field", "from_value", "to_value", "at"],
            ),
        ],
        ignore_index=True,
    )
    h = handoff_events(items(), ev, status_map=STATUS_MAP)
    row = h[(h["item_id"] == "I1") & (h["field"] == "assignee")].iloc[0]
    assert (row["from_team"], row["to_team"]) == ("B", "B")
    assert row["wait_days"] == 2.0  # next move: done on 10 March


def test_matrix_counts_median_wait_and_reopen_share_per_period() -> None:
    m = handoff_matrix(items(), _with_team_move(), tz=TZ, period="month", status_map=STATUS_MAP)
    rows = {(r.from_team, r.to_team): r for r in m.itertuples()}
    aa = rows[("A", "A")]
    assert (aa.period, aa.count, aa.median_wait_days, aa.reopen_share) == (MARCH, 2, 1.5, 1.0)
    assert (aa.items, aa.people) == (1, 2)
    ab = rows[("A", "B")]
    assert (ab.count, ab.median_wait_days, ab.reopen_share, ab.people) == (1, 3.0, 0.0, 1)


def test_matrix_guesses_statuses_without_a_map() -> None:
    m = handoff_matrix(items(), events(), tz=TZ, period="month")
    assert m["reopen_share"].tolist() == [1.0]


def test_handoffs_per_person_fills_quiet_teams_with_zero() -> None:
    sizes = pd.Series({"A": 4, "B": 2, "C": 0})
    out = handoffs_per_person(items(), events(), sizes, tz=TZ, period="month")
    got = out.set_index("team")[["handoffs", "team_size", "handoffs_per_person"]]
    assert got.loc["A"].tolist() == [2, 4, 0.5]
    assert got.loc["B"].tolist() == [0, 2, 0.0]
    assert "C" not in got.index
    assert np.isnan(out.attrs["size_rho"])  # 2 team-periods: too few to correlate


def test_handoffs_per_person_correlates_size_with_per_person_handoffs() -> None:
    # Six teams of growing size, each with size² / 2 handoffs: per person grows with size.
    rows, evs = [], []
    for t, size in enumerate([2, 4, 6, 8, 10, 12]):
        for k in range(size * size // 2):
            iid = f"T{t}-{k}"
            rows.append((iid, f"team{t}"))
            evs.append((iid, "assignee", "x", "y", pd.Timestamp("2026-03-05", tz="UTC")))
    frame = pd.DataFrame(rows, columns=["item_id", "team"])
    for c in ["created_at", "started_at", "done_at", "due_at", "canceled_at"]:
        frame[c] = pd.NaT
    ev = pd.DataFrame(evs, columns=["item_id", "field", "from_value", "to_value", "at"])
    sizes = pd.Series({f"team{t}": s for t, s in enumerate([2, 4, 6, 8, 10, 12])})
    out = handoffs_per_person(frame, ev, sizes, tz="UTC", period="month")
    assert out.attrs["size_rho"] == pytest.approx(1.0)
    assert out.attrs["size_n"] == 6


def test_waiting_items_lists_open_items_in_flight_by_their_last_move() -> None:
    out = waiting_items(items(), events(), as_of=AS_OF, min_days=10, status_map=STATUS_MAP)
    assert out["item_id"].tolist() == ["I5"]  # I7 canceled, the rest done
    row = out.iloc[0]
    assert row["age_days"] == pytest.approx(26 + 3 / 24)  # since started, 20 March 09:00
    assert row["last_move"] == "started"
    assert row["item_age_days"] == pytest.approx(31 + 3 / 24)
    assert waiting_items(items(), events(), as_of=AS_OF, min_days=30).empty


def test_waiting_items_after_a_handoff_counts_from_the_handoff() -> None:
    ev = pd.concat(
        [
            events(),
            pd.DataFrame(
                [("I5", "assignee", "cy", "dee", pd.Timestamp("2026-04-10 12:00", tz="UTC"))],
                columns=["item_id", "field", "from_value", "to_value", "at"],
            ),
        ],
        ignore_index=True,
    )
    out = waiting_items(items(), ev, as_of=AS_OF, min_days=2, status_map=STATUS_MAP)
    row = out.set_index("item_id").loc["I5"]
    assert row["age_days"] == pytest.approx(5.0)
    assert row["last_move"] == "handoff"
    assert list(out.columns[:5]) == ["item_id", "team", "title", "waiting_since", "age_days"]


def test_no_history_gives_empty_handoff_results() -> None:
    none = events().iloc[0:0]
    assert handoff_events(items(), none).empty
    assert handoff_matrix(items(), none, tz=TZ, period="month").empty
    per = handoffs_per_person(items(), none, pd.Series({"A": 4}), tz=TZ, period="month")
    assert per.empty
    out = waiting_items(items(), None, as_of=AS_OF, min_days=10)
    assert out["item_id"].tolist() == ["I5"]
