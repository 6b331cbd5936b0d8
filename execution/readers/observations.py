"""Read already-computed metric values (observations) from CSV or XLSX, long or wide.

Long: one row per team, period, metric and value. Wide: team, period and one column per
metric. The shape is detected from the headers (a metric and a value column mean long) and
can be forced; a column map (header -> team | period | metric | value | ignore |
metric:<code>) overrides the detection, as chosen in the mapping step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import BinaryIO

import pandas as pd

from execution.readers.base import (
    DEFAULT_LIMIT_BYTES,
    OBSERVATION_COLUMNS,
    ReadError,
    ReadResult,
    skipped_frame,
)
from execution.readers.parse import match_columns, norm_header, parse_numbers, strings
from execution.readers.source import Table, read_table

# Default metric definitions (code -> name); the app passes the org's own.
DEFAULT_METRICS: dict[str, str] = {
    "on_time_pct": "On-time delivery",
    "cycle_time_days": "Cycle time",
    "lead_time_days": "Lead time",
    "throughput": "Throughput",
    "wip_age_days": "Work-item age",
    "blocked_pct": "Blocked time",
    "reopened_pct": "Reopened work",
    "flow_efficiency_pct": "Flow efficiency",
    "handoffs_per_task": "Handoffs per task",
    "handoff_wait_days": "Handoff wait",
    "followups_per_task": "Follow-ups per task",
    "decision_lag_days": "Decision-to-action lag",
}

OBSERVATION_ROLES: dict[str, tuple[str, ...]] = {
    "team": ("team", "Team name", "Squad", "Group"),
    "period": ("period", "Reporting period", "Month", "Week", "Fortnight", "Date"),
    "metric": ("metric", "Metric code", "KPI", "Measure", "Indicator"),
    "value": ("value", "Score", "Amount", "Result"),
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def metric_aliases(metrics: Mapping[str, str]) -> dict[str, str]:
    """Alias key -> code: the code itself and the name, punctuation and case ignored."""
    out: dict[str, str] = {}
    for code, name in metrics.items():
        out[_key(code)] = code
        out[_key(name)] = code
        # "On-time delivery %" and "Cycle time (days)" match the code's unit suffix too.
        unit = code.rsplit("_", 1)[-1] if code.count("_") else ""
        if unit in {"pct", "days"}:
            out[_key(name) + unit] = code
            out[_key(name) + ("percent" if unit == "pct" else "")] = code
    return out


def _period_label(values: pd.Series) -> pd.Series:
    # XLSX date cells arrive as "2026-11-01 00:00:00": the period is the day.
    return values.str.replace(r"^(\d{4}-\d\d-\d\d)[ T]00:00:00$", r"\1", regex=True)


def detect_shape(
    headers: list[str], column_map: Mapping[str, str] | None = None
) -> tuple[str, dict[str, list[int]]]:
    """("long" | "wide", role -> positions) from the headers and the user's map."""
    long_map = {k: v for k, v in (column_map or {}).items() if not v.startswith("metric:")}
    roles = match_columns(headers, OBSERVATION_ROLES, long_map)
    shape = "long" if "metric" in roles and "value" in roles else "wide"
    return shape, roles


def read_observations(
    file: BinaryIO | bytes,
    *,
    shape: str | None = None,
    column_map: Mapping[str, str] | None = None,
    metrics: Mapping[str, str] | None = None,
    decimal_comma: bool | None = None,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    filename: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadResult:
    """Observations frame (team, period, metric, value) from a long or wide CSV/XLSX.

    metrics: the org's definitions (code -> name) to recognise metric names and codes;
    unknown metric names are kept as written and listed in the warnings.
    decimal_comma: None = yes for semicolon-separated files ("85,5").
    """
    table = read_table(
        file,
        limit_bytes=limit_bytes,
        filename=filename,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    return observations_from_table(
        table, shape=shape, column_map=column_map, metrics=metrics, decimal_comma=decimal_comma
    )


def observations_from_table(
    table: Table,
    *,
    shape: str | None = None,
    column_map: Mapping[str, str] | None = None,
    metrics: Mapping[str, str] | None = None,
    decimal_comma: bool | None = None,
) -> ReadResult:
    """The observations frame from an opened table (see `read_observations`)."""
    detected, roles = detect_shape(table.headers, column_map)
    shape = shape or detected
    if shape not in ("long", "wide"):
        raise ReadError(f"Unknown shape {shape!r}: long or wide.", code="unknown_shape")
    needed = ("team", "period", "metric", "value") if shape == "long" else ("team", "period")
    missing = [r for r in needed if r not in roles]
    if missing:
        raise ReadError(
            f"No column for {', '.join(missing)} in a {shape} observations file. "
            f"The file's columns are: {', '.join(table.headers)}. "
            "Choose the column for each in the mapping step.",
            code="missing_columns",
            meta={"missing": missing, "headers": table.headers, "shape": shape},
        )
    defs = dict(metrics or DEFAULT_METRICS)
    aliases = metric_aliases(defs)
    comma = (table.meta.get("delimiter") == "semicolon") if decimal_comma is None else decimal_comma
    rows = pd.Series(table.rows)
    team = strings(table.data[roles["team"][0]], strip=table.padded)
    period = _period_label(strings(table.data[roles["period"][0]], strip=table.padded))
    header = {role: table.headers[pos[0]] for role, pos in roles.items()}
    parts: list[pd.DataFrame] = []

    if shape == "long":
        metric_raw = strings(table.data[roles["metric"][0]], strip=table.padded)
        raw_value = strings(table.data[roles["value"][0]], strip=table.padded)
        long = pd.DataFrame(
            {
                "row": rows,
                "team": team,
                "period": period,
                "metric": metric_raw,
                "raw": raw_value,
                "column": header["value"],
            }
        )
        empty_cells = 0
    else:
        user_codes = {
            norm_header(k): v.split(":", 1)[1]
            for k, v in (column_map or {}).items()
            if v.startswith("metric:")
        }
        used = {p for pos in roles.values() for p in pos}
        ignored = {norm_header(k) for k, v in (column_map or {}).items() if v == "ignore"}
        metric_cols = [
            i
            for i, h in enumerate(table.headers)
            if i not in used and norm_header(h) not in ignored
        ]
        if not metric_cols:
            raise ReadError(
                "No metric columns: a wide file has team, period and one column per metric.",
                code="missing_columns",
                meta={"missing": ["metric"], "headers": table.headers, "shape": shape},
            )
        pieces = []
        for i in metric_cols:
            h = table.headers[i]
            pieces.append(
                pd.DataFrame(
                    {
                        "row": rows,
                        "team": team,
                        "period": period,
                        "metric": user_codes.get(norm_header(h), h),
                        "raw": strings(table.data[i], strip=table.padded),
                        "column": h,
                    }
                )
            )
        long = pd.concat(pieces, ignore_index=True)
        blank = long["raw"].isna()
        empty_cells = int(blank.sum())
        long = long.loc[~blank].reset_index(drop=True)

    code = long["metric"].map(lambda m: aliases.get(_key(m), m) if isinstance(m, str) else m)
    long["metric"] = code
    long["value"], bad_num = parse_numbers(long["raw"], decimal_comma=comma)
    bad = pd.Series(False, index=long.index)

    def report(mask: pd.Series, column: pd.Series | str, values: pd.Series, reason: str) -> None:
        nonlocal bad
        mask = mask & ~bad
        if mask.any():
            cols = column[mask].to_numpy() if isinstance(column, pd.Series) else column
            part = pd.DataFrame(
                {
                    "row": long.loc[mask, "row"].to_numpy(),
                    "column": cols,
                    "value": values[mask].to_numpy(),
                    "reason": reason,
                }
            )
            parts.append(part)
            bad |= mask

    report(long["team"].isna(), header["team"], long["team"].fillna(""), "team is empty")
    report(long["period"].isna(), header["period"], long["period"].fillna(""), "period is empty")
    if shape == "long":
        report(
            long["metric"].isna(), header["metric"], long["metric"].fillna(""), "metric is empty"
        )
        report(long["raw"].isna(), header["value"], long["raw"].fillna(""), "value is empty")
    expected = "a number, e.g. 85, 85.5 or 85,5" if comma else "a number, e.g. 85 or 85.5"
    report(bad_num, long["column"], long["raw"], f"not a number (expected {expected})")
    dup = long[["team", "period", "metric"]].where(~bad).duplicated(keep="first") & ~bad
    if dup.any():
        report(
            dup,
            long["column"],
            long["raw"],
            "the same team, period and metric appear twice; the first row is kept",
        )

    out = long.loc[~bad, list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    out["value"] = out["value"].astype("float64")
    warnings: list[str] = []
    unknown = sorted(set(out["metric"]) - set(defs))
    if unknown:
        warnings.append(
            "Metrics without a definition (kept as written; map them or add definitions): "
            + ", ".join(unknown)
            + "."
        )
    meta: dict[str, object] = {
        **table.meta,
        "kind": "observations",
        "shape": shape,
        "detected_shape": detected,
        "decimal_comma": comma,
        "columns": header,
        "rows_read": len(table.data),
        "rows_imported": int(out.shape[0]),
        "empty_cells": empty_cells,
        "unknown_metrics": unknown,
    }
    return ReadResult(frame=out, skipped=skipped_frame(parts), warnings=warnings, meta=meta)


def observation_mapping(
    headers: list[str], column_map: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """(shape, header -> role) as detected, for the mapping step's defaults."""
    shape, roles = detect_shape(headers, column_map)
    mapping = {h: "" for h in headers}
    for role, positions in roles.items():
        for p in positions:
            mapping[headers[p]] = role
    aliases = metric_aliases(DEFAULT_METRICS)
    if shape == "wide":
        for h in headers:
            if not mapping[h]:
                mapping[h] = "metric:" + aliases.get(_key(h), h)
    for h, role in (column_map or {}).items():
        mapping[h] = role
    return shape, {h: (r or "ignore") for h, r in mapping.items()}


PERIOD_FORMATS = ("%Y-%m", "%Y-%m-%d", "%b %Y", "%B %Y", "%m/%Y", "%d/%m/%Y", "%d.%m.%Y")


def period_label_dates(labels: pd.Series) -> pd.Series:
    """The first day each period label names (datetime64, NaT when no format fits).

    Accepts 2026-11, 2026-11-01, Nov 2026, November 2026, 11/2026, 2026-W45 (ISO week:
    its Monday). The app then checks the date is a period start of the org's calendar.
    """
    text = pd.Series(labels, dtype=object).astype(str).str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    week = text.str.fullmatch(r"\d{4}-?W\d{2}")
    if week.any():
        iso = text[week].str.replace("-", "", regex=False) + "1"
        out[week] = pd.to_datetime(iso, format="%GW%V%u", errors="coerce")
    for fmt in PERIOD_FORMATS:
        todo = out.isna() & ~week
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out
