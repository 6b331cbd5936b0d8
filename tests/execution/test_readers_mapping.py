"""The mapping step's helpers: distinct statuses and teams, closest names, the preview."""

from __future__ import annotations

from execution.readers.items import read_items
from execution.readers.mapping import (
    closest_names,
    distinct_counts,
    preview,
    status_counts,
    team_counts,
    unknown_counts,
    unknown_values,
)
from tests.execution.helpers import fixture


def test_status_and_team_names_are_returned_distinct_with_counts() -> None:
    items = read_items(fixture("jira_all_fields.csv")).frame
    assert status_counts(items).to_dict("records") == [
        {"value": "Blocked", "count": 1},
        {"value": "Closed", "count": 1},
        {"value": "Done", "count": 1},
        {"value": "In Progress", "count": 1},
    ]
    assert team_counts(items).to_dict("records") == [
        {"value": "Payments", "count": 2},
        {"value": "Mobile", "count": 1},
        {"value": "Platform", "count": 1},
    ]


def test_distinct_counts_ignores_empty_cells_and_spaces() -> None:
    import pandas as pd

    got = distinct_counts(pd.Series(["Done", " Done ", None, "", "To Do"], dtype=object))
    assert got.to_dict("records") == [{"value": "Done", "count": 2}, {"value": "To Do", "count": 1}]


def test_closest_names_suggests_known_teams_for_unknown_ones() -> None:
    known = ["Payments", "Platform", "Mobile", "Customer Support"]
    unknown = unknown_values(["payments", "Paymnts", "Mobil", "Cust Support", "Legal"], known)
    assert unknown == ["Paymnts", "Mobil", "Cust Support", "Legal"]
    got = closest_names(unknown, known)
    assert got["Paymnts"][0] == "Payments"
    assert got["Mobil"] == ["Mobile"]
    assert got["Cust Support"][0] == "Customer Support"
    assert got["Legal"] == []


def test_preview_shows_first_rows_and_detected_mapping_for_items() -> None:
    pv = preview(fixture("jira_all_fields.csv"), kind="items", n=2)
    assert pv.detected == "jira"
    assert len(pv.rows) == 2
    assert pv.mapping["Issue key"] == "item_id"
    assert pv.mapping["Custom field (Team)"] == "team"
    assert pv.mapping["Due Date"] == "due_at"
    assert pv.mapping["Reporter"] == "ignore"
    assert pv.date_format == "%d/%b/%y %I:%M %p"


def test_preview_guesses_dates_for_linear_and_history() -> None:
    assert preview(fixture("linear.csv"), kind="items").date_format == "ISO8601"
    pv = preview(fixture("jira_changelog.csv"), kind="history")
    assert pv.mapping["Issue key"] == "item_id"
    assert pv.mapping["Date"] == "at"
    assert pv.date_format == "%d/%b/%y %I:%M %p"


def test_preview_detects_wide_observations_and_proposes_metric_codes() -> None:
    data = b"team,period,On-time delivery %,Mood\nCore,2025-07,80,3\n"
    pv = preview(data, kind="observations")
    assert pv.detected == "wide"
    assert pv.mapping == {
        "team": "team",
        "period": "period",
        "On-time delivery %": "metric:on_time_pct",
        "Mood": "metric:Mood",
    }
    long = preview(fixture("observations_semicolon_bom.csv"), kind="observations")
    assert long.detected == "long"
    assert long.mapping["Value"] == "value"


def test_unknown_counts_lists_statuses_the_saved_mapping_does_not_cover() -> None:
    items = read_items(fixture("jira_all_fields.csv")).frame
    got = unknown_counts(items["status"], ["done", "In Progress", "Closed"])
    assert got.to_dict("records") == [{"value": "Blocked", "count": 1}]
