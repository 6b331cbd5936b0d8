"""History exports (Jira changelog shape or neutral) into the events frame, and what is skipped."""

from __future__ import annotations

import pandas as pd
import pytest

from execution.readers.base import EVENT_COLUMNS, ReadError
from execution.readers.history import read_history
from tests.execution.helpers import fixture


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_jira_changelog_normalises_fields_and_parses_locale_dates() -> None:
    res = read_history(
        fixture("jira_changelog.csv"), known_items={"PAY-101", "MOB-7"}, tz="Europe/Berlin"
    )
    f = res.frame
    assert list(f.columns[:5]) == list(EVENT_COLUMNS)
    assert f["field"].tolist() == ["status", "assignee", "status", "status", "status", "team"]
    pay = f[f["item_id"] == "PAY-101"]
    assert pay["at"].iloc[0] == ts("2025-07-15 07:00")
    assert pay[["from_value", "to_value"]].iloc[-1].tolist() == ["In Review", "Done"]
    assert f.loc[f["field"] == "team", "to_value"].tolist() == ["Platform"]
    assert res.meta["preset"] == "changelog"
    assert res.meta["date_format"] == "%d/%b/%y %I:%M %p"
    assert str(f["at"].dtype) == "datetime64[ns, UTC]"


def test_history_rows_for_items_not_in_the_work_item_file_are_reported_not_guessed() -> None:
    res = read_history(fixture("jira_changelog.csv"), known_items={"PAY-101", "MOB-7"})
    sk = res.skipped
    unknown = sk[sk["reason"] == "item not in the work-item file"]
    assert unknown[["row", "column", "value"]].to_dict("records") == [
        {"row": 9, "column": "Issue key", "value": "OPS-1"}
    ]
    assert "OPS-1" not in set(res.frame["item_id"])
    assert "1 changes are for items not in the work-item file." in res.warnings


def test_untracked_fields_are_reported_with_the_tracked_ones_named() -> None:
    res = read_history(fixture("jira_changelog.csv"))
    sk = res.skipped
    assert sk[["row", "column", "value"]].to_dict("records") == [
        {"row": 6, "column": "Field", "value": "Comment"}
    ]
    assert sk["reason"].iloc[0] == "field not tracked (tracked: status, assignee, team, followup)"


def test_neutral_history_with_followups_and_a_custom_field_name() -> None:
    res = read_history(fixture("neutral_history.csv"), known_items=["T-1"])
    assert res.meta["preset"] == "neutral"
    assert res.frame["field"].tolist() == ["status", "assignee", "followup", "status"]
    follow = res.frame[res.frame["field"] == "followup"].iloc[0]
    assert pd.isna(follow["from_value"]) and pd.isna(follow["to_value"])
    data = b"item_id,field,from,to,at\nT-1,Squad,Core,Edge,2025-07-01T10:00:00Z\n"
    assert read_history(data).frame.empty
    mapped = read_history(data, field_names={"Squad": "team"})
    assert mapped.frame["field"].tolist() == ["team"]


def test_bad_times_and_exact_repeats_are_reported() -> None:
    data = (
        b"item_id,field,from,to,at\n"
        b"T-1,status,To Do,Doing,2025-07-01T10:00:00Z\n"
        b"T-1,status,To Do,Doing,2025-07-01T10:00:00Z\n"
        b"T-1,status,Doing,Done,soon\n"
        b"T-2,status,Doing,Done,\n"
        b",status,Doing,Done,2025-07-01T10:00:00Z\n"
    )
    res = read_history(data, date_format="ISO8601")
    assert len(res.frame) == 1
    assert res.skipped[["row", "column", "value"]].to_dict("records") == [
        {"row": 3, "column": "item_id", "value": "T-1"},
        {"row": 4, "column": "at", "value": "soon"},
        {"row": 5, "column": "at", "value": ""},
        {"row": 6, "column": "item_id", "value": ""},
    ]
    reasons = res.skipped["reason"].tolist()
    assert reasons[0] == "the same change appears twice; the first row is kept"
    assert reasons[1].startswith("not a date in the format ISO 8601")
    assert reasons[2] == "the time of the change is empty"
    assert reasons[3] == "item id is empty"


def test_a_history_file_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_history(b"key,when\nA,2025-07-01\n")
    assert err.value.code == "missing_columns"
    assert "field" in err.value.message
