"""Read a status/assignee history (one row per change) into the events frame.

Accepts the neutral columns `item_id, field, from, to, at` and the shape of a Jira changelog
export (`Issue key, Field, From, To, Date`). Field names are normalised to status, assignee,
team and followup; rows for other fields, for items not in the work-item file, with a bad
date or repeated exactly are reported in `skipped`, never guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import BinaryIO

import numpy as np
import pandas as pd

from execution.readers.base import (
    DEFAULT_LIMIT_BYTES,
    EVENT_COLUMNS,
    EVENT_FIELDS,
    ReadError,
    ReadResult,
    skipped_frame,
    skipped_rows,
)
from execution.readers.parse import (
    ISO,
    describe_format,
    guess_date_format,
    match_columns,
    norm_header,
    parse_dates,
    strings,
)
from execution.readers.presets import AUTO
from execution.readers.source import read_table

HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "item_id": ("item_id", "Issue key", "Key", "Issue", "Item", "ID", "Identifier", "URL"),
    "field": ("field", "Field", "Field name", "Changed field", "Property"),
    "from_value": ("from", "from_value", "From", "From string", "Old value", "fromString"),
    "to_value": ("to", "to_value", "To", "To string", "New value", "toString"),
    "at": ("at", "Date", "Changed", "Change date", "Changed at", "Created", "Timestamp", "When"),
    "author": ("author", "Author", "Changed by", "By", "Actor"),
}
REQUIRED = ("item_id", "field", "at")
NEUTRAL_HEADERS = ("item_id", "field", "from", "to", "at")

# Raw field names (lower case) -> canonical field. Anything else is not tracked.
FIELD_NAMES: dict[str, str] = {
    "status": "status",
    "workflow status": "status",
    "state": "status",
    "assignee": "assignee",
    "assignees": "assignee",
    "owner": "assignee",
    "team": "team",
    "custom field (team)": "team",
    "component": "team",
    "component/s": "team",
    "components": "team",
    "followup": "followup",
    "follow-up": "followup",
    "follow up": "followup",
    "follow_up": "followup",
    "chase": "followup",
    "ping": "followup",
    "nudge": "followup",
}


def _exact_repeats(frame: pd.DataFrame) -> pd.Series:
    """Rows equal to an earlier row. Row hashes find the candidates in one C pass; only
    those are compared in full, so a hash collision can never drop a row."""
    hashes = pd.util.hash_pandas_object(frame, index=False)
    candidates = hashes.duplicated(keep=False)
    out = pd.Series(False, index=frame.index)
    if candidates.any():
        out[candidates] = frame.loc[candidates].duplicated(keep="first")
    return out


def read_history(
    file: BinaryIO | bytes,
    *,
    known_items: Collection[str] | None = None,
    column_map: Mapping[str, str] | None = None,
    field_names: Mapping[str, str] | None = None,
    date_format: str = AUTO,
    tz: str = "UTC",
    strip_quote: bool = False,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    filename: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadResult:
    """Events frame (item_id, field, from_value, to_value, at) from a history export.

    known_items: the work-item ids of the matching items file; rows for other items are
    skipped with that reason. field_names: extra raw field name -> status|assignee|team|followup
    (for example a custom team field). strip_quote: remove a leading ' (Excel formula guard). date_format: strftime format, "auto" guesses it;
    naive times are in `tz`.
    """
    table = read_table(
        file,
        limit_bytes=limit_bytes,
        filename=filename,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    roles = match_columns(table.headers, HISTORY_COLUMNS, column_map)
    missing = [r for r in REQUIRED if r not in roles]
    if missing:
        wanted = "; ".join(f"{r} (one of: {', '.join(HISTORY_COLUMNS[r])})" for r in missing)
        raise ReadError(
            f"No column for {wanted}. The file's columns are: {', '.join(table.headers)}.",
            code="missing_columns",
            meta={"missing": missing, "headers": table.headers},
        )
    rows = pd.Series(table.rows)
    header = {role: table.headers[pos[0]] for role, pos in roles.items()}

    def col(role: str) -> pd.Series:
        if role not in roles:
            return pd.Series(np.nan, index=rows.index, dtype=object)
        s = strings(table.data[roles[role][0]], strip=table.padded)
        return s.str.replace(r"^'", "", regex=True) if strip_quote else s

    frame = pd.DataFrame(
        {
            "item_id": col("item_id"),
            "raw_field": col("field"),
            "from_value": col("from_value"),
            "to_value": col("to_value"),
        }
    )
    if "author" in roles:
        frame["author"] = col("author")
    names = {**FIELD_NAMES, **{norm_header(k): v for k, v in (field_names or {}).items()}}
    # Few distinct field names, many rows: normalise the distinct names, then map.
    distinct = frame["raw_field"].dropna().unique()
    canonical = {raw: names.get(" ".join(str(raw).lower().split())) for raw in distinct}
    frame["field"] = frame["raw_field"].map(canonical)

    raw_at = col("at")
    fmt = date_format
    if fmt == AUTO:
        sample = raw_at.dropna().head(200)
        fmt = guess_date_format(sample.tolist()) if len(sample) else ISO
    frame["at"], bad_at = parse_dates(raw_at, fmt=fmt, tz=tz)

    parts: list[pd.DataFrame] = []
    bad = pd.Series(False, index=frame.index)

    def report(mask: pd.Series, role: str, values: pd.Series, reason: str | pd.Series) -> None:
        nonlocal bad
        mask = mask & ~bad
        if mask.any():
            why = reason[mask] if isinstance(reason, pd.Series) else reason
            parts.append(skipped_rows(rows[mask], header[role], values[mask], why))
            bad |= mask

    report(frame["item_id"].isna(), "item_id", frame["item_id"].fillna(""), "item id is empty")
    report(bad_at, "at", raw_at, f"not a date in the format {describe_format(fmt)}")
    report(frame["at"].isna(), "at", raw_at.fillna(""), "the time of the change is empty")
    untracked = frame["field"].isna()
    report(
        untracked,
        "field",
        frame["raw_field"].fillna(""),
        "field not tracked (tracked: " + ", ".join(EVENT_FIELDS) + ")",
    )
    if known_items is not None:
        known = pd.Index(pd.Series(list(known_items), dtype=object).astype(str).unique())
        unknown = ~frame["item_id"].isin(known)
        report(unknown, "item_id", frame["item_id"], "item not in the work-item file")
    key = ["item_id", "field", "from_value", "to_value", "at"]
    dup = _exact_repeats(frame.loc[~bad, key]).reindex(frame.index, fill_value=False)
    report(dup, "item_id", frame["item_id"], "the same change appears twice; the first row is kept")

    out = frame.loc[~bad].drop(columns=["raw_field"]).assign(row=rows[~bad].to_numpy())
    out = out.reset_index(drop=True)  # file order: the maths sorts by item and time itself
    extra = [c for c in out.columns if c not in EVENT_COLUMNS]
    out = out[list(EVENT_COLUMNS) + extra]
    skipped = skipped_frame(parts)
    warnings: list[str] = []
    if untracked.any():
        counts = frame.loc[untracked, "raw_field"].fillna("(empty)").value_counts().head(5)
        listed = ", ".join(f"{k} ({v})" for k, v in counts.items())
        warnings.append(f"{int(untracked.sum())} changes of untracked fields skipped: {listed}.")
    if known_items is not None and len(skipped):
        n_unknown = int((skipped["reason"] == "item not in the work-item file").sum())
        if n_unknown:
            warnings.append(f"{n_unknown} changes are for items not in the work-item file.")
    meta: dict[str, object] = {
        **table.meta,
        "kind": "history",
        "preset": "neutral" if set(NEUTRAL_HEADERS) <= set(table.headers) else "changelog",
        "date_format": fmt,
        "tz": tz,
        "columns": header,
        "rows_read": len(table.data),
        "rows_imported": int(out.shape[0]),
    }
    return ReadResult(frame=out, skipped=skipped, warnings=warnings, meta=meta)
