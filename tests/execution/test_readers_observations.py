"""Observations: long and wide files, CSV and XLSX, numbers, duplicates and the column map."""

from __future__ import annotations

import pytest

from execution.readers.base import ReadError
from execution.readers.observations import read_observations
from tests.execution.helpers import fixture, xlsx_bytes


def test_long_semicolon_csv_with_bom_and_decimal_commas() -> None:
    res = read_observations(fixture("observations_semicolon_bom.csv"))
    assert res.meta["shape"] == "long"
    assert res.meta["decimal_comma"] is True
    assert res.frame.to_dict("records") == [
        {"team": "Payments", "period": "2025-07", "metric": "on_time_pct", "value": 72.5},
        {"team": "Payments", "period": "2025-07", "metric": "cycle_time_days", "value": 6.25},
        {"team": "Growth", "period": "2025-07", "metric": "on_time_pct", "value": 58.0},
        {"team": "Growth", "period": "2025-07", "metric": "throughput", "value": 12.0},
    ]
    assert res.skipped.empty and res.warnings == []


def test_wide_file_is_detected_and_melted_with_metric_names_recognised() -> None:
    data = (
        b"team,period,On-time delivery %,Cycle time (days),throughput\n"
        b"Payments,2025-07,72.5,6,14\n"
        b"Growth,2025-07,58,,9\n"
    )
    res = read_observations(data)
    assert res.meta["shape"] == "wide"
    got = {(r["team"], r["metric"]): r["value"] for r in res.frame.to_dict("records")}
    assert got == {
        ("Payments", "on_time_pct"): 72.5,
        ("Growth", "on_time_pct"): 58.0,
        ("Payments", "cycle_time_days"): 6.0,
        ("Payments", "throughput"): 14.0,
        ("Growth", "throughput"): 9.0,
    }
    assert res.meta["empty_cells"] == 1


def test_the_column_map_names_roles_and_metric_codes() -> None:
    data = b"Squad,Month,Delivery,Notes\nPayments,2025-07,80,ok\n"
    res = read_observations(
        data,
        column_map={
            "Squad": "team",
            "Month": "period",
            "Delivery": "metric:on_time_pct",
            "Notes": "ignore",
        },
    )
    assert res.frame.to_dict("records") == [
        {"team": "Payments", "period": "2025-07", "metric": "on_time_pct", "value": 80.0}
    ]


def test_unparseable_numbers_are_reported_with_row_column_and_value() -> None:
    data = b"team,period,metric,value\nCore,2025-07,throughput,12\nCore,2025-08,throughput,twelve\n"
    res = read_observations(data)
    assert len(res.frame) == 1
    assert res.skipped.to_dict("records") == [
        {
            "row": 3,
            "column": "value",
            "value": "twelve",
            "reason": "not a number (expected a number, e.g. 85 or 85.5)",
        }
    ]


def test_duplicate_observations_are_reported_and_the_first_kept() -> None:
    data = b"team,period,metric,value\nCore,2025-07,throughput,12\nCore,2025-07,Throughput,13\n"
    res = read_observations(data)
    assert res.frame["value"].tolist() == [12.0]
    assert res.skipped["row"].tolist() == [3]
    assert "first row is kept" in res.skipped["reason"].iloc[0]


def test_empty_team_period_or_value_is_reported() -> None:
    data = b"team,period,metric,value\n,2025-07,throughput,1\nCore,,throughput,1\nCore,2025-07,throughput,\n"
    res = read_observations(data)
    assert res.frame.empty
    assert res.skipped["reason"].tolist() == ["team is empty", "period is empty", "value is empty"]


def test_unknown_metrics_are_kept_and_listed() -> None:
    res = read_observations(b"team,period,metric,value\nCore,2025-07,Mood,3\n")
    assert res.frame["metric"].tolist() == ["Mood"]
    assert res.meta["unknown_metrics"] == ["Mood"]
    assert "Mood" in res.warnings[0]
    org = read_observations(
        b"team,period,metric,value\nCore,2025-07,Mood,3\n", metrics={"mood": "Mood"}
    )
    assert org.frame["metric"].tolist() == ["mood"]


def test_xlsx_wide_with_a_chosen_sheet_and_date_periods() -> None:
    import datetime as dt

    data = xlsx_bytes(
        {
            "README": [["how to"]],
            "Data": [
                ["Team", "Period", "Throughput", "Lead time"],
                ["Core", dt.date(2025, 7, 1), 12, 4.5],
            ],
        }
    )
    with pytest.raises(ReadError) as err:
        read_observations(data)
    assert err.value.meta["sheets"] == ["README", "Data"]
    res = read_observations(data, sheet="Data")
    assert res.frame.to_dict("records") == [
        {"team": "Core", "period": "2025-07-01", "metric": "throughput", "value": 12.0},
        {"team": "Core", "period": "2025-07-01", "metric": "lead_time_days", "value": 4.5},
    ]


def test_a_long_file_missing_its_period_column_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_observations(b"team,metric,value\nCore,throughput,1\n")
    assert err.value.code == "missing_columns"
    assert "period" in err.value.message


def test_period_labels_name_their_first_day() -> None:
    import pandas as pd

    from execution.readers.observations import period_label_dates

    got = period_label_dates(
        pd.Series(["2026-11", "2026-11-01", "Nov 2026", "November 2026", "2026-W45", "soon"])
    )
    assert got.iloc[:4].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-01"] * 4
    assert got.iloc[4] == pd.Timestamp("2026-11-02")  # ISO week 45 of 2026 starts Monday 2 Nov
    assert pd.isna(got.iloc[5])
