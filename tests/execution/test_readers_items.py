"""Work-item presets (Jira, Linear, GitHub, neutral) and the bad rows each reports."""

from __future__ import annotations

import pandas as pd
import pytest

from execution.readers.base import ITEM_COLUMNS, ReadError
from execution.readers.items import read_items
from tests.execution.helpers import fixture, xlsx_bytes

UTC = "datetime64[ns, UTC]"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_jira_all_fields_keeps_repeated_headers_as_lists_and_parses_locale_dates_in_org_tz() -> (
    None
):
    res = read_items(fixture("jira_all_fields.csv"), tz="Europe/Berlin")
    f = res.frame.set_index("item_id")
    assert res.meta["preset"] == "jira"
    assert res.meta["encoding"] == "utf-8-sig"
    assert list(res.frame.columns[: len(ITEM_COLUMNS)]) == list(ITEM_COLUMNS)
    assert (res.frame["source"] == "jira").all()
    # 14/Jul/25 3:42 PM in Berlin (CEST, UTC+2) is 13:42 UTC.
    assert f.loc["PAY-101", "created_at"] == ts("2025-07-14 13:42")
    assert f.loc["PAY-101", "done_at"] == ts("2025-07-18 09:05")
    assert f.loc["PAY-101", "due_at"] == ts("2025-07-24 22:00")  # "Due Date" header
    assert f.loc["PAY-101", "labels"] == ["backend", "urgent"]
    assert f.loc["PAY-101", "sprints"] == ["PAY Sprint 14", "PAY Sprint 15"]
    assert f.loc["PAY-102", "labels"] == []
    assert f.loc["PAY-101", "team"] == "Payments"  # Custom field (Team)
    assert f.loc["PAY-101", "status"] == "Done"
    assert f.loc["PAY-101", "assignee"] == "ada@northwind.example"
    assert pd.isna(f.loc["PAY-103", "assignee"])
    for col in ("created_at", "started_at", "done_at", "due_at", "canceled_at"):
        assert str(res.frame[col].dtype) == UTC
    assert "2 repeated 'Labels' headers kept as a list." in res.warnings
    assert "2 repeated 'Sprint' headers kept as a list." in res.warnings
    assert res.skipped.empty


def test_jira_wont_do_resolution_is_a_cancel_not_a_delivery() -> None:
    f = read_items(fixture("jira_all_fields.csv"), tz="Europe/Berlin").frame.set_index("item_id")
    assert pd.isna(f.loc["PAY-103", "done_at"])
    assert f.loc["PAY-103", "canceled_at"] == ts("2025-07-10 14:30")


def test_jira_team_column_is_chosen_by_the_user() -> None:
    res = read_items(
        fixture("jira_all_fields.csv"), column_map={"Project name": "team"}, tz="Europe/Berlin"
    )
    assert res.frame.set_index("item_id").loc["PAY-103", "team"] == "Payments"
    assert res.meta["columns"]["team"] == "Project name"  # type: ignore[index]


def test_jira_lower_case_due_date_header_and_a_user_chosen_date_format() -> None:
    data = (
        b"Issue key,Summary,Status,Team,Created,Resolved,Due date\r\n"
        b"A-1,One,Done,Core,2025-07-14 15:42,2025-07-15 09:00,2025-07-20 00:00\r\n"
    )
    res = read_items(data, date_format="%Y-%m-%d %H:%M", tz="America/New_York")
    row = res.frame.iloc[0]
    assert row["created_at"] == ts("2025-07-14 19:42")
    assert row["due_at"] == ts("2025-07-20 04:00")
    assert res.meta["date_format"] == "%Y-%m-%d %H:%M"


def test_linear_strips_the_leading_quote_and_reads_cancel_and_label_lists() -> None:
    res = read_items(fixture("linear.csv"))
    f = res.frame.set_index("item_id")
    assert res.meta["preset"] == "linear"
    assert f.loc["GRO-12", "title"] == "=ROUND(conversion) shows wrong"
    assert f.loc["GRO-13", "title"] == "- remove legacy flag"
    assert f.loc["GRO-12", "assignee"] == "+ana@northwind.example"
    assert f.loc["GRO-12", "labels"] == ["Bug", "Frontend"]
    assert f.loc["GRO-12", "started_at"] == ts("2025-07-02 10:00")
    assert f.loc["GRO-12", "done_at"] == ts("2025-07-09 16:30")
    assert f.loc["GRO-14", "canceled_at"] == ts("2025-07-06 12:00")
    assert f.loc["GRO-12", "due_at"] == ts("2025-07-11")
    assert set(f["team"]) == {"Growth", "Discovery"}
    assert res.skipped.empty


def test_linear_javascript_date_strings_are_read_too() -> None:
    data = (
        b"ID,Team,Title,Status,Assignee,Created,Started,Completed,Canceled,Due Date\n"
        b"X-1,Core,T,Done,a,Mon Jul 14 2025 15:42:00 GMT+0200 (Central European Summer Time),,"
        b"Tue Jul 15 2025 09:00:00 GMT+0200 (Central European Summer Time),,\n"
    )
    row = read_items(data).frame.iloc[0]
    assert row["created_at"] == ts("2025-07-14 13:42")
    assert row["done_at"] == ts("2025-07-15 07:00")


def test_github_projects_tsv_reads_urls_assignees_and_reports_the_draft_without_team() -> None:
    res = read_items(fixture("github_project.tsv"), filename="export.tsv", tz="Europe/Berlin")
    f = res.frame.set_index("item_id")
    assert res.meta["preset"] == "github"
    assert res.meta["delimiter"] == "tab"
    assert list(f.index) == [
        "northwind/payments#481",
        "northwind/payments#490",
        "northwind/mobile#77",
    ]
    assert f.loc["northwind/payments#481", "assignee"] == "ada"
    assert f.loc["northwind/payments#481", "assignees"] == ["ada", "chloe"]
    assert f.loc["northwind/payments#481", "labels"] == ["bug", "ci"]
    assert f.loc["northwind/payments#481", "team"] == "northwind/payments"
    assert f.loc["northwind/payments#481", "done_at"] == ts("2025-07-06 22:00")
    # The draft has neither URL nor repository: reported, not guessed.
    assert res.skipped["row"].tolist() == [4]
    assert res.skipped["reason"].iloc[0] == "item id is empty"


def test_neutral_format_mixes_offsets_and_naive_times_in_the_org_tz() -> None:
    res = read_items(fixture("neutral_items.csv"), tz="Europe/Berlin")
    f = res.frame.set_index("item_id")
    assert res.meta["preset"] == "neutral"
    assert f.loc["T-1", "done_at"] == ts("2025-07-05 17:00")
    assert f.loc["T-2", "created_at"] == ts("2025-07-03 07:00")  # naive -> Berlin
    assert f.loc["T-3", "done_at"] == ts("2025-07-04 16:00")  # +02:00 kept
    assert f.loc["T-1", "due_at"] == ts("2025-07-05 22:00")


def test_the_preset_can_be_overridden() -> None:
    res = read_items(fixture("neutral_items.csv"), preset="neutral")
    assert res.meta["preset"] == "neutral"
    with pytest.raises(ReadError) as err:
        read_items(fixture("neutral_items.csv"), preset="jira")
    assert err.value.code == "missing_columns"
    assert "Issue key" in err.value.message
    assert "item_id, team, title" in err.value.message
    with pytest.raises(ReadError) as err:
        read_items(fixture("neutral_items.csv"), preset="asana")
    assert err.value.code == "unknown_preset"


def test_an_unknown_export_is_read_through_the_users_column_map() -> None:
    data = b"Ticket,Squad,State,Opened,Closed\nK-1,Core,Done,2025-07-01,2025-07-03\n"
    with pytest.raises(ReadError) as err:
        read_items(data)
    assert err.value.meta["missing"] == ["item_id", "team", "status"]
    res = read_items(
        data,
        column_map={
            "Ticket": "item_id",
            "Squad": "team",
            "State": "status",
            "Opened": "created_at",
            "Closed": "done_at",
        },
    )
    assert res.frame.iloc[0]["done_at"] == ts("2025-07-03")
    assert res.meta["preset"] == "neutral"


def test_unparseable_dates_are_reported_with_row_column_value_and_format() -> None:
    data = (
        b"Issue key,Summary,Status,Team,Created,Resolved\n"
        b"A-1,One,Done,Core,14/Jul/25 3:42 PM,15/Jul/25 9:00 AM\n"
        b"A-2,Two,Done,Core,2025-13-45,15/Jul/25 9:00 AM\n"
        b"A-3,Three,Done,Core,14/Jul/25 3:42 PM,yesterday\n"
    )
    res = read_items(data)
    assert res.frame["item_id"].tolist() == ["A-1"]
    sk = res.skipped
    assert sk["row"].tolist() == [3, 4]
    assert sk["column"].tolist() == ["Created", "Resolved"]
    assert sk["value"].tolist() == ["2025-13-45", "yesterday"]
    assert all("%d/%b/%y %I:%M %p (e.g. 14/Jul/25 03:42 PM)" in r for r in sk["reason"])


def test_duplicate_rows_are_reported_and_the_first_is_kept() -> None:
    data = b"item_id,team,status,title\nT-1,Core,Done,first\nT-2,Core,Done,x\nT-1,Core,Done,again\n"
    res = read_items(data)
    assert res.frame["item_id"].tolist() == ["T-1", "T-2"]
    assert res.frame.set_index("item_id").loc["T-1", "title"] == "first"
    assert res.skipped.to_dict("records") == [
        {
            "row": 4,
            "column": "item_id",
            "value": "T-1",
            "reason": "duplicate item id, the row 2 with it is kept",
        }
    ]


def test_finish_before_start_is_reported() -> None:
    data = (
        b"item_id,team,status,created_at,started_at,done_at\n"
        b"T-1,Core,Done,2025-07-05,,2025-07-01\n"
        b"T-2,Core,Done,2025-07-01,2025-07-04,2025-07-03\n"
        b"T-3,Core,Done,2025-07-01,2025-07-02,2025-07-03\n"
    )
    res = read_items(data)
    assert res.frame["item_id"].tolist() == ["T-3"]
    assert res.skipped["row"].tolist() == [2, 3]
    assert res.skipped["column"].tolist() == ["done_at", "done_at"]
    assert res.skipped["value"].tolist() == ["2025-07-01", "2025-07-03"]  # as in the file
    assert res.skipped["reason"].iloc[0] == (
        "finished before it started: done_at 2025-07-01 00:00 UTC is before created_at "
        "2025-07-05 00:00 UTC"
    )
    assert "is before started_at" in res.skipped["reason"].iloc[1]


def test_rows_without_team_are_reported() -> None:
    res = read_items(b"item_id,team,status\nT-1,,Done\nT-2,Core,Done\n")
    assert res.skipped[["row", "column", "reason"]].to_dict("records") == [
        {"row": 2, "column": "team", "reason": "team is empty"}
    ]


def test_items_from_an_xlsx_sheet_with_date_cells() -> None:
    import datetime as dt

    data = xlsx_bytes(
        {
            "Notes": [["x"]],
            "Items": [
                ["item_id", "team", "status", "created_at", "done_at"],
                ["T-1", "Core", "Done", dt.datetime(2025, 7, 1, 9, 0), dt.date(2025, 7, 3)],
            ],
        }
    )
    res = read_items(data, sheet="Items", tz="Europe/Berlin")
    assert res.frame.iloc[0]["created_at"] == ts("2025-07-01 07:00")
    assert res.frame.iloc[0]["done_at"] == ts("2025-07-02 22:00")


def test_a_jira_export_in_another_locale_format_is_guessed_and_said() -> None:
    data = (
        b"Issue key,Summary,Status,Team,Created,Resolved\n"
        b"A-1,One,Done,Core,14.07.2025 15:42,15.07.2025 09:00\n"
        b"A-2,Two,Done,Core,16.07.2025 08:00,17.07.2025 10:30\n"
    )
    res = read_items(data, tz="Europe/Berlin")
    assert res.meta["date_format"] == "%d.%m.%Y %H:%M"
    assert res.frame.iloc[0]["created_at"] == ts("2025-07-14 13:42")
    assert any("read them as %d.%m.%Y %H:%M" in w for w in res.warnings)
    # A format the user chose is used as given: cells that do not fit are reported.
    strict = read_items(data, date_format="%d/%b/%y %I:%M %p")
    assert strict.frame.empty
    assert len(strict.skipped) == 4  # every bad cell, two per row


def test_padded_cells_are_stripped_before_matching() -> None:
    res = read_items(b"item_id , team , status\n T-1 , Core ,Done \nT-2,\tCore\t, Doing\n")
    assert res.frame["item_id"].tolist() == ["T-1", "T-2"]
    assert res.frame["team"].tolist() == ["Core", "Core"]
    assert res.frame["status"].tolist() == ["Done", "Doing"]


def test_a_million_row_neutral_file_reads_through_the_fast_path() -> None:
    # Not a timing test (make bench measures speed): the clean file must take the no-strip
    # path, which is what keeps a 1M-row file close to pandas.read_csv.
    from execution.readers.source import read_table

    rows = "".join(f"T-{i},Core,Done,,2025-07-01T10:00:00Z,,,,\n" for i in range(5000))
    data = (
        "item_id,team,status,assignee,created_at,started_at,done_at,due_at,canceled_at\n" + rows
    ).encode()
    assert read_table(data).padded is False
    assert read_table(data.replace(b"Core,", b"Core ,", 1)).padded is True
    assert read_table(data.replace(b",", b"\t")).padded is False  # empty TSV cells are not padding
    assert len(read_items(data).frame) == 5000


def test_a_column_map_naming_a_missing_column_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_items(fixture("neutral_items.csv"), column_map={"Squad": "team"})
    assert err.value.code == "unknown_columns"
    assert "Squad" in err.value.message


def test_each_item_keeps_its_file_row_for_later_reports() -> None:
    # The header is row 1, so the first item is row 2: a team-mapping step reports by it.
    res = read_items(fixture("neutral_items.csv"), tz="Europe/Berlin")
    rows = res.frame.set_index("item_id")["row"]
    assert rows["T-1"] == 2
    assert rows["T-2"] == 3
