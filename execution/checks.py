"""Row checks of an import after reading (pure pandas): teams, periods, duplicates, date order.

Each check returns the rows it keeps and the rows it drops in the report's shape (row, column,
value, reason), so nothing leaves an import without a line saying why.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from orgs.periods import period_label, period_start

SKIPPED_COLUMNS = ["row", "column", "value", "reason"]
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})(?:/\d{1,2})?$", re.IGNORECASE)


def name_key(raw: Any) -> str:
    """Trimmed, inner spaces collapsed, case-folded (how raw names are matched)."""
    return " ".join(str(raw).split()).casefold()


def rows_of(frame: pd.DataFrame) -> pd.Series:
    """The file line of each row (a `row` column); None where the reader did not keep it."""
    if "row" in frame.columns:
        return frame["row"].astype(object).where(frame["row"].notna(), None)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def dropped(
    frame: pd.DataFrame, mask: pd.Series, column: str, values: Any, reason: Any
) -> list[dict[str, Any]]:
    """Report rows of `frame` where `mask` holds (values/reason may be a Series or a scalar)."""
    if not mask.any():
        return []
    part = pd.DataFrame(
        {
            "row": rows_of(frame)[mask],
            "column": column,
            "value": values[mask] if isinstance(values, pd.Series) else values,
            "reason": reason[mask] if isinstance(reason, pd.Series) else reason,
        }
    )
    part["value"] = part["value"].astype("string").fillna("")
    if "item_id" in frame.columns and part["row"].isna().any():
        # Without the file line, the item id says which row it was.
        ids = frame.loc[mask, "item_id"].astype("string").fillna("")
        part["reason"] = part["reason"].astype(str) + " (item " + ids + ")"
    part["row"] = part["row"].astype(object).where(part["row"].notna(), None)
    return part.to_dict("records")


def team_suggestions(raw: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Our team names closest to a raw name (difflib ratio, best first)."""
    names = list(names)
    by_key = {name_key(x): x for x in names}
    return [
        by_key[k] for k in difflib.get_close_matches(name_key(raw), list(by_key), n=n, cutoff=0.4)
    ]


def teams_map(
    frame: pd.DataFrame, lookup: Mapping[str, int], team_names: Iterable[str]
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, list[str]]]:
    """Replace the raw `team` by our team id; unknown names are dropped with suggestions."""
    raw = frame["team"].astype("string").fillna("")
    keys = raw.map(name_key)
    ids = keys.map(lambda k: lookup.get(k))
    unknown = ids.isna()
    names = list(team_names)
    unknown_names = sorted(set(raw[unknown].str.strip()) - {""})
    suggestions = {u: team_suggestions(u, names) for u in unknown_names}

    def why(name: str) -> str:
        if not name.strip():
            return "no team given"
        close = suggestions.get(name.strip()) or []
        hint = f" (closest: {', '.join(close)})" if close else ""
        return f"unknown team {name.strip()!r}{hint}; map it to one of your teams"

    reasons = raw.map(why)
    bad = dropped(frame, unknown, "team", raw, reasons)
    kept = frame.loc[~unknown].copy()
    kept["team"] = ids[~unknown].astype(int)
    return kept, bad, suggestions


def period_parse(label: str, kind: str) -> tuple[dt.date | None, str]:
    """A period label or date → the first day of the org's period; else (None, the reason)."""
    text = str(label).strip()
    start: dt.date | None = None
    month = _MONTH.match(text)
    week = _WEEK.match(text)
    if month:
        year, mon = int(month.group(1)), int(month.group(2))
        if not 1 <= mon <= 12:
            return None, "not a month (expected YYYY-MM)"
        if kind != "month":
            return None, f"a month, but your organization reports by {kind}"
        return dt.date(year, mon, 1), ""
    if week:
        try:
            start = dt.date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError:
            return None, "not an ISO week (expected YYYY-Www)"
        if kind == "month":
            return None, "a week, but your organization reports by month"
    else:
        try:
            start = dt.date.fromisoformat(text[:10])
        except ValueError:
            return (
                None,
                f"not a period (expected {period_label(dt.date(2026, 11, 1), kind)} or a date)",
            )
    first = period_start(start, kind)
    if first != start:
        return None, (
            f"not the first day of a {kind} period of your organization "
            f"(that period starts on {first.isoformat()})"
        )
    return first, ""


def periods_map(frame: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Replace the `period` label by the period's first day; labels outside the calendar drop."""
    raw = frame["period"].astype("string").fillna("")
    parsed = {label: period_parse(label, kind) for label in raw.unique()}  # few labels
    starts = raw.map(lambda x: parsed[x][0])
    reasons = raw.map(lambda x: parsed[x][1])
    bad_mask = starts.isna()
    bad = dropped(frame, bad_mask, "period", raw, reasons)
    kept = frame.loc[~bad_mask].copy()
    kept["period"] = starts[~bad_mask]
    return kept, bad


def duplicates_drop(
    frame: pd.DataFrame, keys: list[str], column: str
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Keep the first of rows sharing `keys`; the others are reported with the first's line."""
    dup = frame.duplicated(subset=keys, keep="first")
    if not dup.any():
        return frame, []
    lines = rows_of(frame)
    if lines.isna().all():
        reasons: Any = "the same row again (the first is kept)"
    else:
        first_row = lines.groupby([frame[k] for k in keys]).transform("first")
        reasons = "duplicate of line " + first_row.astype(str)
    return frame.loc[~dup], dropped(frame, dup, column, frame[column], reasons)


def date_order_drop(items: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Drop items done before they were created or started (a broken export, not a fact)."""
    before_created = (
        items["done_at"].notna()
        & items["created_at"].notna()
        & (items["done_at"] < items["created_at"])
    )
    before_started = (
        items["done_at"].notna()
        & items["started_at"].notna()
        & (items["done_at"] < items["started_at"])
    )
    bad_mask = before_created | before_started
    reasons = pd.Series("done before it was started", index=items.index).where(
        ~before_created, "done before it was created"
    )
    values = items["done_at"].astype("string")
    return items.loc[~bad_mask], dropped(items, bad_mask, "done_at", values, reasons)
