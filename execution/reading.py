"""The one call site from the import service to the file readers: bytes in, canonical frames out.

The readers (`execution.readers`: Jira, Linear, GitHub and neutral presets, changelogs,
long/wide observations) never drop a row silently: each is in `skipped` with its line,
column, value and reason. This module turns an import run's saved choices (preset, date
format, team column, column map) into the readers' arguments.
"""

from __future__ import annotations

from typing import Any

from execution.readers import history, items, mapping, observations
from execution.readers.base import (
    DEFAULT_LIMIT_BYTES,
    EVENT_COLUMNS,
    ITEM_COLUMNS,
    ReadError,
    ReadResult,
    human_bytes,
)
from execution.readers.mapping import Preview

MAX_BYTES = DEFAULT_LIMIT_BYTES  # refused above this, with the limit named

__all__ = [
    "EVENT_COLUMNS",
    "ITEM_COLUMNS",
    "MAX_BYTES",
    "Preview",
    "ReadError",
    "ReadResult",
    "file_check",
    "preview",
    "read_events",
    "read_items",
    "read_observations",
]


def file_check(*, name: str, data: bytes) -> None:
    """Refuse at upload what no reader could take: an empty file or one over the limit."""
    if len(data) > MAX_BYTES:
        raise ReadError(
            f"{name} is {human_bytes(len(data))}; the limit is {human_bytes(MAX_BYTES)}. "
            "Split it by period and import the parts.",
            code="too_large",
        )
    if not data.strip():
        raise ReadError(f"{name} is empty.", code="empty")


def _item_column_map(options: dict[str, Any]) -> dict[str, str] | None:
    cmap = dict(options.get("column_map") or {})
    team_col = options.get("team_column")
    if team_col and team_col != "team":
        cmap[team_col] = "team"
    return cmap or None


def read_items(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """Work items with the chosen preset (None: detected from the headers)."""
    return items.read_items(
        data,
        preset=options.get("preset") or None,
        column_map=_item_column_map(options),
        date_format=options.get("date_format") or None,
        tz=tz,
        filename=name,
        sheet=options.get("sheet") or None,
    )


def read_events(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """Status/assignee history: a Jira changelog or the neutral format."""
    kw: dict[str, Any] = {"tz": tz, "filename": name}
    fmt = options.get("history_date_format") or options.get("date_format")
    if fmt:
        kw["date_format"] = fmt
    return history.read_history(data, **kw)


def read_observations(*, data: bytes, name: str, options: dict[str, Any]) -> ReadResult:
    """Metric values, long or wide (detected; the column map overrides)."""
    return observations.read_observations(
        data,
        column_map=options.get("column_map") or None,
        metrics=options.get("metrics") or None,
        filename=name,
        sheet=options.get("sheet") or None,
    )


def preview(*, data: bytes, name: str, kind: str, options: dict[str, Any], n: int) -> Preview:
    """The first rows and the detected mapping (kind: items | history | observations)."""
    return mapping.preview(
        data,
        kind=kind,
        n=n,
        preset=options.get("preset") or None,
        column_map=options.get("column_map") or None,
        filename=name,
        sheet=options.get("sheet") or None,
    )
