"""period_starts agrees with orgs.periods.period_start on the org's wall calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from orgs.periods import period_start
from trustmath.flow import period_starts, status_codes, suggest_status_map


@pytest.mark.parametrize("kind", ["week", "fortnight", "month"])
@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland"])
def test_period_starts_agree_with_orgs_periods(kind: str, tz: str) -> None:
    rng = np.random.default_rng(5)
    ns = rng.integers(pd.Timestamp("2019-01-01").value, pd.Timestamp("2030-12-31").value, size=3000)
    ts = pd.Series(pd.to_datetime(ns, utc=True))
    got = period_starts(ts, tz=tz, period=kind)
    local = ts.dt.tz_convert(tz).dt.date
    expected = [period_start(d, kind) for d in local]
    assert list(got) == expected


def test_month_boundary_in_a_non_utc_zone() -> None:
    ts = pd.Series(
        pd.to_datetime(
            [
                "2026-03-31 21:59",  # 23:59 in Berlin (CEST): March
                "2026-03-31 22:00",  # midnight in Berlin: April
                "2026-01-31 23:30",  # 00:30 on 1 Feb in Berlin (CET): February
                "2026-05-01 03:00",  # 20:00 on 30 April in Los Angeles
                None,
            ],
            utc=True,
        )
    )
    berlin = period_starts(ts, tz="Europe/Berlin", period="month")
    assert list(berlin[:3]) == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 2, 1)]
    assert berlin.iloc[4] is None
    la = period_starts(ts, tz="America/Los_Angeles", period="month")
    assert la.iloc[3] == dt.date(2026, 4, 1)


def test_fortnights_are_anchored_at_monday_2024_01_01() -> None:
    ts = pd.Series(
        pd.to_datetime(["2024-01-14 12:00", "2024-01-15 00:00", "2023-12-31 00:00"], utc=True)
    )
    got = list(period_starts(ts, tz="UTC", period="fortnight"))
    assert got == [dt.date(2024, 1, 1), dt.date(2024, 1, 15), dt.date(2023, 12, 18)]


def test_status_codes_ignore_case_and_spaces_and_flag_unmapped() -> None:
    codes = status_codes(
        pd.Series([" in progress", "DONE", "Weird", None]),
        {"In Progress": "in_progress", "Done": "done"},
    )
    assert codes.tolist() == [1, 3, -1, -1]


def test_suggested_status_map_guesses_common_names() -> None:
    guess = suggest_status_map(["To Do", "In Review", "Blocked", "Closed", "Backlog"])
    assert guess == {
        "To Do": "todo",
        "In Review": "in_progress",
        "Blocked": "blocked",
        "Closed": "done",
        "Backlog": "todo",
    }
