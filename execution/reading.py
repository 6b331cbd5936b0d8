"""The one call site from the import service to the file readers: bytes in, canonical frames out.

The presets for real tool exports (Jira, Linear, GitHub) live in `execution.readers`; until
that package is merged this module reads the neutral format itself (canonical column names,
CSV/TSV/XLSX), so the whole import path works and is tested end to end. Every dropped row is
in `skipped` with its row (1-based file line), column, value and reason — never silently lost.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd

from core.errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024  # refused above this, with the limit named
ITEM_COLUMNS = (
    "item_id",
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
ITEM_TIMES = ("created_at", "started_at", "done_at", "due_at", "canceled_at")
EVENT_COLUMNS = ("item_id", "field", "from_value", "to_value", "at")
EVENT_FIELDS = ("status", "assignee", "team", "followup")
LONG_COLUMNS = ("team", "period", "metric", "value")
SKIPPED_COLUMNS = ["row", "column", "value", "reason"]


class ReadError(InvalidInput):
    """The file as a whole cannot be read: empty, header only, too big, several sheets."""

    code = "import_file"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"file": message})


@dataclass(frozen=True)
class ReadResult:
    """Same shape as `execution.readers.base.ReadResult` (the readers' contract)."""

    frame: pd.DataFrame
    skipped: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)


def _skipped(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SKIPPED_COLUMNS)


def raw_table(*, data: bytes, name: str, sheet: str | None = None) -> pd.DataFrame:
    """The file as a table of strings (header row = column names); refuses what cannot be read."""
    if len(data) > MAX_BYTES:
        raise ReadError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it by period and import the parts."
        )
    if not data.strip():
        raise ReadError("The file is empty.")
    if name.lower().endswith((".xlsx", ".xlsm")):
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str)
        if len(sheets) > 1 and sheet not in sheets:
            raise ReadError(
                f"The workbook has {len(sheets)} sheets ({', '.join(sheets)}); choose which one "
                "to import."
            )
        table = sheets[sheet] if sheet in sheets else next(iter(sheets.values()))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReadError(
                'The file is not UTF-8 text; save it as "CSV UTF-8" and upload it again.'
            ) from exc
        first = text.splitlines()[0] if text else ""
        sep = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
        table = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise ReadError("The file has a header line but no rows.")
    return table


def _times(
    table: pd.DataFrame, cols: tuple[str, ...], *, tz: str, fmt: str | None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Parse timestamp columns (naive times are in the org's time zone); report the bad cells."""
    bad: list[dict[str, Any]] = []
    out = table.copy()
    for col in cols:
        if col not in out.columns:
            out[col] = pd.NaT
            continue
        raw = out[col].astype("string").str.strip().replace("", pd.NA)
        parsed = pd.to_datetime(raw, format=fmt or "mixed", errors="coerce", dayfirst=False)
        if getattr(parsed.dt, "tz", None) is None:
            parsed = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        parsed = parsed.dt.tz_convert("UTC")
        failed = raw.notna() & parsed.isna()
        for idx in out.index[failed]:
            bad.append(
                {
                    "row": int(idx) + 2,
                    "column": col,
                    "value": str(raw[idx]),
                    "reason": f"not a date and time in the format {fmt or 'YYYY-MM-DD HH:MM'}",
                }
            )
        out[col] = parsed
    return out, bad


def readers_module(module: str) -> ModuleType | None:
    """`execution.readers.<module>` when that package is installed, else None."""
    try:
        return importlib.import_module(f"execution.readers.{module}")
    except ImportError:
        return None


def _item_column_map(options: dict[str, Any]) -> dict[str, str] | None:
    cmap = dict(options.get("column_map") or {})
    team_col = options.get("team_column")
    if team_col and team_col != "team":
        cmap[team_col] = "team"
    return cmap or None


def read_items(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """Work items: the readers' presets (Jira, Linear, GitHub, neutral) when installed."""
    readers = readers_module("items")
    if readers is not None:
        res = readers.read_items(
            data,
            preset=options.get("preset") or None,
            column_map=_item_column_map(options),
            date_format=options.get("date_format") or None,
            tz=tz,
            filename=name,
            sheet=options.get("sheet") or None,
        )
        return ReadResult(res.frame, res.skipped, list(res.warnings), dict(res.meta))
    return _read_items_neutral(data=data, name=name, options=options, tz=tz)


def read_events(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """History: a Jira changelog or the neutral format, via the readers when installed."""
    readers = readers_module("history")
    if readers is not None:
        kw: dict[str, Any] = {"tz": tz, "filename": name}
        if options.get("history_date_format") or options.get("date_format"):
            kw["date_format"] = options.get("history_date_format") or options["date_format"]
        res = readers.read_history(data, **kw)
        return ReadResult(res.frame, res.skipped, list(res.warnings), dict(res.meta))
    return _read_events_neutral(data=data, name=name, options=options, tz=tz)


def read_observations(*, data: bytes, name: str, options: dict[str, Any]) -> ReadResult:
    """Metric values, long or wide (detected), via the readers when installed."""
    readers = readers_module("observations")
    if readers is not None:
        res = readers.read_observations(
            data,
            column_map=options.get("column_map") or None,
            metrics=options.get("metrics") or None,
            filename=name,
            sheet=options.get("sheet") or None,
        )
        return ReadResult(res.frame, res.skipped, list(res.warnings), dict(res.meta))
    return _read_observations_neutral(data=data, name=name, options=options)


def _read_items_neutral(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """A neutral work-item file (canonical column names; `team_column` renames the team)."""
    table = raw_table(data=data, name=name, sheet=options.get("sheet"))
    team_col = options.get("team_column") or "team"
    if team_col != "team" and team_col in table.columns:
        table = table.drop(columns=[c for c in ["team"] if c in table.columns]).rename(
            columns={team_col: "team"}
        )
    missing = [c for c in ("item_id", "team", "status") if c not in table.columns]
    if missing:
        raise ReadError(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(the neutral format has {', '.join(ITEM_COLUMNS)})."
        )
    for col in ITEM_COLUMNS:
        if col not in table.columns:
            table[col] = ""
    table["row"] = table.index + 2
    frame, bad = _times(table, ITEM_TIMES, tz=tz, fmt=options.get("date_format"))
    frame["source"] = options.get("source") or "neutral"
    return ReadResult(frame=frame, skipped=_skipped(bad), meta={"preset": "neutral"})


def _read_events_neutral(*, data: bytes, name: str, options: dict[str, Any], tz: str) -> ReadResult:
    """A neutral history file: item_id, field, from_value, to_value, at (one row per change)."""
    table = raw_table(data=data, name=name, sheet=options.get("sheet"))
    missing = [c for c in ("item_id", "field", "at") if c not in table.columns]
    if missing:
        raise ReadError(
            f"Missing column{'s' if len(missing) > 1 else ''} in the history file: "
            f"{', '.join(missing)} (expected {', '.join(EVENT_COLUMNS)})."
        )
    for col in ("from_value", "to_value"):
        if col not in table.columns:
            table[col] = ""
    table["row"] = table.index + 2
    frame, bad = _times(table, ("at",), tz=tz, fmt=options.get("date_format"))
    frame["field"] = frame["field"].str.strip().str.lower()
    wrong = ~frame["field"].isin(EVENT_FIELDS)
    for idx in frame.index[wrong]:
        bad.append(
            {
                "row": int(idx) + 2,
                "column": "field",
                "value": str(frame.at[idx, "field"]),
                "reason": f"field must be one of {', '.join(EVENT_FIELDS)}",
            }
        )
    return ReadResult(frame=frame.loc[~wrong], skipped=_skipped(bad), meta={"preset": "neutral"})


def _read_observations_neutral(*, data: bytes, name: str, options: dict[str, Any]) -> ReadResult:
    """Metric values, long (team, period, metric, value) or wide (team, period, one per metric).

    `options["column_map"]` maps the file's headers to roles (team, period, metric, value,
    or "ignore"), as `execution.readers` does; the shape is detected: a file with a metric and
    a value column is long, otherwise wide.
    """
    table = raw_table(data=data, name=name, sheet=options.get("sheet"))
    column_map = options.get("column_map") or {}
    table = table.drop(columns=[h for h, role in column_map.items() if role == "ignore"])
    renames = {h: r.removeprefix("metric:") for h, r in column_map.items() if r and r != "ignore"}
    table = table.rename(columns=renames)
    missing = [c for c in ("team", "period") if c not in table.columns]
    if missing:
        raise ReadError(
            f"Choose the column that holds the {' and the '.join(missing)} "
            f"(the file has {', '.join(table.columns)})."
        )
    if "metric" in table.columns and "value" in table.columns:
        shape = "long"
        long = table[list(LONG_COLUMNS)].copy()
        long["row"] = table.index + 2
        value_col = pd.Series(["value"] * len(long), index=long.index)
    else:
        shape = "wide"
        metric_cols = [c for c in table.columns if c not in ("team", "period")]
        long = table.reset_index().melt(
            id_vars=["index", "team", "period"],
            value_vars=metric_cols,
            var_name="metric",
            value_name="value",
        )
        long["row"] = long.pop("index") + 2
        long = long[long["value"].astype(str).str.strip() != ""]
        value_col = long["metric"]
    text = long["value"].astype("string").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    failed = values.isna()
    bad = [
        {"row": int(r), "column": str(c), "value": str(v), "reason": "not a number"}
        for r, c, v in zip(
            long["row"][failed], value_col[failed], long["value"][failed], strict=True
        )
    ]
    long = long.assign(value=values).loc[~failed]
    return ReadResult(frame=long, skipped=_skipped(bad), meta={"shape": shape})
