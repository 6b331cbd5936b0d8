"""Reporting periods: the one definition of which period a date belongs to.

A period is identified by its first day (a date). Weeks start on Monday; two-week
periods are anchored at Monday 2024-01-01 so every org agrees on the boundaries.
"""

from __future__ import annotations

import datetime as dt

_FORTNIGHT_EPOCH = dt.date(2024, 1, 1)  # a Monday


def period_start(day: dt.date, kind: str) -> dt.date:
    """First day of the reporting period of `kind` ("week", "fortnight", "month") containing `day`."""
    if kind == "month":
        return day.replace(day=1)
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "fortnight":
        delta = (day - _FORTNIGHT_EPOCH).days
        return _FORTNIGHT_EPOCH + dt.timedelta(days=(delta // 14) * 14)
    raise ValueError(f"unknown reporting period {kind!r}")


def next_period(start: dt.date, kind: str) -> dt.date:
    """First day of the period after the one starting at `start`."""
    if kind == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if kind == "week":
        return start + dt.timedelta(days=7)
    if kind == "fortnight":
        return start + dt.timedelta(days=14)
    raise ValueError(f"unknown reporting period {kind!r}")


def previous_period(start: dt.date, kind: str) -> dt.date:
    """First day of the period before the one starting at `start`."""
    return period_start(start - dt.timedelta(days=1), kind)


def period_end(start: dt.date, kind: str) -> dt.date:
    """Last day (inclusive) of the period starting at `start`."""
    return next_period(start, kind) - dt.timedelta(days=1)


def recent_periods(today: dt.date, kind: str, count: int) -> list[dt.date]:
    """The `count` periods ending with the one containing `today`, oldest first."""
    out = [period_start(today, kind)]
    while len(out) < count:
        out.append(previous_period(out[-1], kind))
    return out[::-1]


def period_label(start: dt.date, kind: str) -> str:
    """Human label: "2026-11" for months, "2026-W47" for weeks, "2026-W46/47" for fortnights."""
    if kind == "month":
        return start.strftime("%Y-%m")
    year, week, _ = start.isocalendar()
    if kind == "week":
        return f"{year}-W{week:02d}"
    _, week2, _ = (start + dt.timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}/{week2:02d}"
