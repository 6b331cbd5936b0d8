"""Helpers for the mapping step: distinct raw values with counts, closest names, a preview.

The app shows these before importing: statuses to map to to-do / in progress / blocked /
done, team names to map to the org's teams (with suggestions), and the first rows with the
detected column roles.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

import pandas as pd

from execution.readers.base import DEFAULT_LIMIT_BYTES
from execution.readers.history import HISTORY_COLUMNS
from execution.readers.observations import observation_mapping
from execution.readers.parse import ISO, guess_date_format, match_columns, strings
from execution.readers.presets import AUTO, NEUTRAL, PRESETS, detect_preset
from execution.readers.source import read_table

KINDS = ("items", "history", "observations")


def distinct_counts(values: pd.Series) -> pd.DataFrame:
    """Distinct non-empty values with how many rows carry each: columns value, count (desc)."""
    s = strings(pd.Series(values, dtype=object)).dropna()
    counts = s.value_counts(sort=False)
    out = pd.DataFrame({"value": counts.index.astype(object), "count": counts.to_numpy()})
    return out.sort_values(["count", "value"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def status_counts(items: pd.DataFrame) -> pd.DataFrame:
    """Raw status names of an items frame with counts, for the status-mapping step."""
    return distinct_counts(items["status"])


def team_counts(items: pd.DataFrame) -> pd.DataFrame:
    """Raw team names of an items (or observations) frame with counts, for the team mapping."""
    return distinct_counts(items["team"])


def unknown_values(values: Iterable[str], known: Iterable[str]) -> list[str]:
    """The values not among `known` (case and surrounding spaces ignored), in first-seen order."""
    known_keys = {k.strip().casefold() for k in known}
    seen: dict[str, None] = {}
    for v in values:
        if v.strip().casefold() not in known_keys:
            seen.setdefault(v, None)
    return list(seen)


def unknown_counts(values: pd.Series, known: Iterable[str]) -> pd.DataFrame:
    """Distinct values not among `known` (case ignored) with their counts, e.g. statuses the
    org's saved status mapping does not cover yet, or teams not mapped to ours."""
    counts = distinct_counts(values)
    keys = {k.strip().casefold() for k in known}
    unknown = ~counts["value"].map(lambda v: str(v).casefold() in keys).astype(bool)
    return counts.loc[unknown].reset_index(drop=True)


def closest_names(
    unknown: Iterable[str], known: Iterable[str], *, n: int = 3, cutoff: float = 0.6
) -> dict[str, list[str]]:
    """For each unknown name, up to `n` known names that look alike (difflib, case ignored)."""
    known_list = list(dict.fromkeys(known))
    by_key: dict[str, str] = {}
    for k in known_list:
        by_key.setdefault(k.strip().casefold(), k)
    keys = list(by_key)
    out: dict[str, list[str]] = {}
    for name in unknown:
        key = name.strip().casefold()
        matches = difflib.get_close_matches(key, keys, n=n, cutoff=cutoff)
        # A known name containing the unknown one ("Pay" -> "Payments") is a good guess too.
        contains = [k for k in keys if key and (key in k or k in key) and k not in matches]
        out[name] = [by_key[m] for m in (matches + contains)[:n]]
    return out


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and what the reader would do with its columns."""

    headers: list[str]
    rows: list[list[str | None]]  # first rows, cells as text (None = empty)
    mapping: dict[str, str]  # header -> role ("ignore" when unused)
    detected: str | None  # preset (items), "neutral"/"changelog" (history) or shape
    date_format: str | None
    meta: dict[str, object] = field(default_factory=dict)


def preview(
    file: BinaryIO | bytes,
    *,
    kind: str,
    n: int = 20,
    preset: str | None = None,
    column_map: Mapping[str, str] | None = None,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    filename: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Preview:
    """First `n` rows + detected mapping for kind "items" | "history" | "observations".

    Raises the same ReadErrors as the readers (too large, empty, header only, which sheet?).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    table = read_table(
        file,
        limit_bytes=limit_bytes,
        filename=filename,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
        nrows=n,
    )
    headers = table.headers
    rows = [
        [v if isinstance(v, str) else None for v in r]
        for r in table.data.to_numpy(dtype=object).tolist()
    ]
    date_format: str | None = None
    detected: str | None
    if kind == "observations":
        detected, mapping = observation_mapping(headers, column_map)
    else:
        if kind == "items":
            found = detect_preset(headers)
            chosen = PRESETS.get(preset or "") or found or NEUTRAL
            detected = found.key if found else None
            roles = match_columns(headers, chosen.columns, column_map)
            date_roles = [r for r in roles if r.endswith("_at")]
            date_format = chosen.date_format
        else:
            roles = match_columns(headers, HISTORY_COLUMNS, column_map)
            detected = "neutral" if "field" in headers and "item_id" in headers else "changelog"
            date_roles = ["at"] if "at" in roles else []
            date_format = AUTO
        mapping = {h: "ignore" for h in headers}
        for role, positions in roles.items():
            for p in positions:
                mapping[headers[p]] = role
        if date_format == AUTO:
            sample = [
                cell for r in date_roles for cell in strings(table.data[roles[r][0]]).dropna()
            ]
            date_format = guess_date_format(sample) if sample else ISO
    return Preview(
        headers=headers,
        rows=rows,
        mapping=mapping,
        detected=detected,
        date_format=date_format,
        meta=dict(table.meta),
    )
