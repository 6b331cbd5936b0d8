"""The reader result and the reader error: what every file reader in this package returns or raises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from core.errors import InvalidInput

SKIPPED_COLUMNS = ("row", "column", "value", "reason")

# Canonical frame columns (execution/EXEC_INTERFACES contract): readers produce exactly these
# first, in this order; optional extras (labels, sprints, ...) follow.
ITEM_COLUMNS = (
    "item_id",
    "source",
    "team",
    "title",
    "status",
    "assignee",
    "created_at",
    "started_at",
    "done_at",
    "due_at",
    "canceled_at",
)
ITEM_DATE_COLUMNS = ("created_at", "started_at", "done_at", "due_at", "canceled_at")
EVENT_COLUMNS = ("item_id", "field", "from_value", "to_value", "at")
EVENT_FIELDS = ("status", "assignee", "team", "followup")
OBSERVATION_COLUMNS = ("team", "period", "metric", "value")

DEFAULT_LIMIT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ReadResult:
    """A canonical frame plus everything the reader did not take, and why."""

    frame: pd.DataFrame  # canonical frame (items, events or observations)
    skipped: pd.DataFrame  # columns: row (1-based file line), column, value, reason
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)


class ReadError(InvalidInput):
    """The file as a whole cannot be read (empty, too big, which sheet?, missing columns).

    `code` says which (empty, header_only, too_large, sheet_required, unknown_sheet,
    missing_columns, unreadable), `meta` carries what the caller needs to ask the user
    again (for sheet_required: `meta["sheets"]`).
    """

    def __init__(
        self, message: str, *, code: str, meta: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.meta: dict[str, object] = dict(meta or {})


def skipped_frame(parts: Iterable[pd.DataFrame] = ()) -> pd.DataFrame:
    """One skipped frame from parts (each with the four skipped columns), sorted by row."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(
            {
                "row": pd.Series(dtype="int64"),
                "column": pd.Series(dtype=object),
                "value": pd.Series(dtype=object),
                "reason": pd.Series(dtype=object),
            }
        )
    out = pd.concat([f.loc[:, list(SKIPPED_COLUMNS)] for f in frames], ignore_index=True)
    out["row"] = out["row"].astype("int64")
    return out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def skipped_rows(
    rows: pd.Series | Iterable[int],
    column: str,
    values: pd.Series | Iterable[object],
    reason: str | pd.Series,
) -> pd.DataFrame:
    """A skipped part: the same column and reason (or one reason per row) for several rows."""
    row_s = pd.Series(list(rows) if not isinstance(rows, pd.Series) else rows.to_numpy())
    val_s = pd.Series(
        list(values) if not isinstance(values, pd.Series) else values.to_numpy(), dtype=object
    )
    reason_s = (
        pd.Series(reason.to_numpy(), dtype=object)
        if isinstance(reason, pd.Series)
        else pd.Series([reason] * len(row_s), dtype=object)
    )
    return pd.DataFrame(
        {"row": row_s.astype("int64"), "column": column, "value": val_s, "reason": reason_s}
    )


def human_bytes(n: int) -> str:
    """A size as people say it: 50 MB, 1.5 GB, 800 KB."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover
