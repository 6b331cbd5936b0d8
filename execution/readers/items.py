"""Read a work-item export (Jira, Linear, GitHub Projects or our neutral CSV) into the items frame.

Every dropped row is reported in `skipped` with its row, column, value and reason: empty
item id or team, a date not in the expected format, a finish before its start, a duplicate
item id (the first row is kept). Repeated headers (`Labels, Labels`) become one list column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import BinaryIO

import numpy as np
import pandas as pd

from execution.readers.base import (
    DEFAULT_LIMIT_BYTES,
    ITEM_COLUMNS,
    ITEM_DATE_COLUMNS,
    ReadError,
    ReadResult,
    skipped_frame,
    skipped_rows,
)
from execution.readers.parse import (
    ISO,
    date_share,
    describe_format,
    guess_date_format,
    match_columns,
    norm_header,
    parse_dates,
    strings,
)
from execution.readers.presets import (
    AUTO,
    CANCELED_RESOLUTIONS,
    NEUTRAL,
    PRESETS,
    REQUIRED_ROLES,
    ROLE_LABELS,
    Preset,
    detect_preset,
)
from execution.readers.source import Table, read_table

_GITHUB_URL = r"^https?://github\.com/([^/]+/[^/]+)/(?:issues|pull)/(\d+)\S*$"


def _one(table: Table, positions: list[int], strip_quote: bool) -> pd.Series:
    """One text column from its position(s): a repeated header gives the first non-empty."""
    if len(positions) == 1:
        s = strings(table.data[positions[0]], strip=table.padded)
    else:
        block = pd.DataFrame(
            {i: strings(table.data[p], strip=table.padded) for i, p in enumerate(positions)}
        )
        s = block.bfill(axis=1)[0]
    if strip_quote:
        s = s.str.replace(r"^'", "", regex=True)
    return s


def _lists(table: Table, positions: list[int], split: bool, strip_quote: bool) -> pd.Series:
    """Repeated headers (or one comma-separated cell) as a list per row, empties dropped."""
    block = table.data[positions].to_numpy(dtype=object)
    out: list[list[str]] = []
    for row in block:  # list-valued cells have no vectorised form; only Jira-sized files have them
        vals: list[str] = []
        for v in row:
            if not isinstance(v, str):
                continue
            parts = v.split(",") if split else [v]
            for part in parts:
                p = part.strip()
                if strip_quote and p.startswith("'"):
                    p = p[1:]
                if p:
                    vals.append(p)
        out.append(vals)
    return pd.Series(out, dtype=object)


def _resolve_preset(headers: list[str], preset: str | None) -> tuple[Preset, str | None]:
    detected = detect_preset(headers)
    if preset is None:
        return detected or NEUTRAL, detected.key if detected else None
    if preset not in PRESETS:
        raise ReadError(
            f"Unknown preset {preset!r}; choose one of {', '.join(PRESETS)}.",
            code="unknown_preset",
        )
    return PRESETS[preset], detected.key if detected else None


def read_items(
    file: BinaryIO | bytes,
    *,
    preset: str | None = None,
    column_map: Mapping[str, str] | None = None,
    date_format: str | None = None,
    tz: str = "UTC",
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    filename: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadResult:
    """Items frame from a work-item export.

    preset: "jira" | "linear" | "github" | "neutral" (None = detect from the headers).
    column_map: header -> role (item_id, team, status, title, assignee, created_at,
    started_at, done_at, due_at, canceled_at, or "ignore"), overriding the preset.
    date_format: strftime format of the date cells (None = the preset's; "auto" = guess);
    naive dates are in time zone `tz` (the org's) and come out in UTC.
    """
    table = read_table(
        file,
        limit_bytes=limit_bytes,
        filename=filename,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    chosen, detected = _resolve_preset(table.headers, preset)
    return items_from_table(
        table, chosen, detected=detected, column_map=column_map, date_format=date_format, tz=tz
    )


def items_from_table(
    table: Table,
    preset: Preset,
    *,
    detected: str | None = None,
    column_map: Mapping[str, str] | None = None,
    date_format: str | None = None,
    tz: str = "UTC",
) -> ReadResult:
    """The items frame from an opened table with a chosen preset (see `read_items`)."""
    warnings: list[str] = []
    if detected is None and not column_map:
        warnings.append(f"The columns match no known export; read as the {preset.label} format.")
    roles = match_columns(table.headers, preset.columns, column_map)
    missing = [r for r in REQUIRED_ROLES if r not in roles]
    if missing:
        wanted = "; ".join(
            f"{ROLE_LABELS[r]} (one of: {', '.join(preset.columns.get(r, ()) or (r,))})"
            for r in missing
        )
        raise ReadError(
            f"No column for {wanted}. The file's columns are: {', '.join(table.headers)}. "
            "Choose the column for each in the mapping step.",
            code="missing_columns",
            meta={"missing": missing, "headers": table.headers, "preset": preset.key},
        )
    n = len(table.data)
    rows = pd.Series(table.rows)
    counts = Counter(norm_header(h) for h in table.headers)
    first_name = {norm_header(h): h for h in reversed(table.headers)}
    for norm, k in counts.items():
        if k > 1:
            warnings.append(f"{k} repeated '{first_name[norm]}' headers kept as a list.")

    frame = pd.DataFrame(index=pd.RangeIndex(n))
    frame["item_id"] = _one(table, roles["item_id"], preset.strip_quote)
    frame["source"] = preset.key
    for role in ("team", "title", "status", "assignee"):
        if role in roles:
            frame[role] = _one(table, roles[role], preset.strip_quote)
        else:
            frame[role] = pd.Series(np.nan, index=frame.index, dtype=object)
    if preset.key == "github":
        frame["item_id"] = frame["item_id"].str.replace(_GITHUB_URL, r"\1#\2", regex=True)
    if preset.assignee_list and "assignee" in roles:
        frame["assignee"] = frame["assignee"].str.split(",").str[0].str.strip()

    # Dates: one format for the file (the user's, the preset's, or guessed from the cells).
    date_roles = [r for r in ITEM_DATE_COLUMNS if r in roles]
    fmt = date_format or preset.date_format
    sample = (
        pd.concat(
            [strings(table.data[roles[r][0]].dropna().head(200)).dropna() for r in date_roles]
        )
        if date_roles
        else pd.Series(dtype=object)
    )
    if fmt == AUTO:
        fmt = guess_date_format(sample.tolist()) if len(sample) else ISO
    elif date_format is None and len(sample) and date_share(sample, fmt) < 0.5:
        # The preset's default does not fit (another Jira locale, say): guess, and say so.
        guessed = guess_date_format(sample.tolist())
        if date_share(sample, guessed) > date_share(sample, fmt):
            warnings.append(
                f"The dates are not in the {preset.label} default format {fmt}; "
                f"read them as {guessed}. Choose the format if that is wrong."
            )
            fmt = guessed
    parts: list[pd.DataFrame] = []
    bad_any = pd.Series(False, index=frame.index)
    raw_dates: dict[str, pd.Series] = {}
    for role in ITEM_DATE_COLUMNS:
        if role not in roles:
            frame[role] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
            continue
        raw = raw_dates[role] = _one(table, roles[role], preset.strip_quote)
        parsed, bad = parse_dates(raw, fmt=fmt, tz=tz)
        frame[role] = parsed
        if bad.any():
            header = table.headers[roles[role][0]]
            parts.append(
                skipped_rows(
                    rows[bad], header, raw[bad], f"not a date in the format {describe_format(fmt)}"
                )
            )
            bad_any |= bad

    # Extras: list columns (repeated headers or comma lists) and plain text extras.
    used = {p for pos in roles.values() for p in pos}
    mapped_away = {norm_header(k) for k, v in (column_map or {}).items() if v == "ignore"}
    extras = match_columns(
        [h if norm_header(h) not in mapped_away else "\x00" for h in table.headers],
        {**preset.lists, **preset.extras},
    )
    resolution: pd.Series | None = None
    for name, positions in extras.items():
        if name in preset.lists:
            frame[name] = _lists(table, positions, preset.split_lists, preset.strip_quote)
        elif not set(positions) & used:
            frame[name] = _one(table, positions, preset.strip_quote)
            if name == "resolution":
                resolution = frame[name]
    if resolution is not None and "done_at" in roles:
        # Jira resolves dropped work too ("Won't Do"): that is a cancel, not a delivery.
        dropped = resolution.str.lower().isin(CANCELED_RESOLUTIONS).fillna(False).astype(bool)
        frame.loc[dropped, "canceled_at"] = frame.loc[dropped, "done_at"]
        frame.loc[dropped, "done_at"] = pd.NaT

    # Rows that cannot be attributed: no item id, no team.
    for role in ("item_id", "team"):
        empty = frame[role].isna() & ~bad_any
        if empty.any():
            header = table.headers[roles[role][0]]
            parts.append(
                skipped_rows(
                    rows[empty], header, [""] * int(empty.sum()), f"{ROLE_LABELS[role]} is empty"
                )
            )
            bad_any |= empty

    # Finish before start: done (or canceled) earlier than created or started.
    for end in ("done_at", "canceled_at"):
        for start in ("created_at", "started_at"):
            if end not in roles or start not in roles:
                continue
            wrong = (frame[end] < frame[start]).fillna(False).astype(bool) & ~bad_any
            if wrong.any():
                header = table.headers[roles[end][0]]
                start_header = table.headers[roles[start][0]]
                reason = (
                    f"finished before it started: {header} "
                    + frame.loc[wrong, end].dt.strftime("%Y-%m-%d %H:%M UTC")
                    + f" is before {start_header} "
                    + frame.loc[wrong, start].dt.strftime("%Y-%m-%d %H:%M UTC")
                )
                parts.append(skipped_rows(rows[wrong], header, raw_dates[end][wrong], reason))
                bad_any |= wrong

    # Duplicate item ids among the good rows: the first is kept, the others reported.
    good = ~bad_any
    dup = frame["item_id"].where(good).duplicated(keep="first") & good
    if dup.any():
        first_row = (
            pd.DataFrame({"id": frame.loc[good, "item_id"], "row": rows[good]})
            .drop_duplicates("id")
            .set_index("id")["row"]
        )
        firsts = frame.loc[dup, "item_id"].map(first_row)
        header = table.headers[roles["item_id"][0]]
        reason = "duplicate item id, the row " + firsts.astype(str) + " with it is kept"
        parts.append(skipped_rows(rows[dup], header, frame.loc[dup, "item_id"], reason))
        good &= ~dup

    out = frame.loc[good].reset_index(drop=True)
    # The file row of each item, so a later step (team mapping) can report by row too.
    out["row"] = rows[good].to_numpy()
    ordered = list(ITEM_COLUMNS) + [c for c in out.columns if c not in ITEM_COLUMNS]
    out = out[ordered]
    skipped = skipped_frame(parts)
    if len(skipped):
        warnings.append(f"{out.shape[0]} items read, {skipped['row'].nunique()} rows skipped.")
    meta: dict[str, object] = {
        **table.meta,
        "kind": "items",
        "preset": preset.key,
        "detected_preset": detected,
        "date_format": fmt,
        "tz": tz,
        "columns": {role: table.headers[pos[0]] for role, pos in roles.items()},
        "rows_read": n,
        "rows_imported": int(out.shape[0]),
    }
    return ReadResult(frame=out, skipped=skipped, warnings=warnings, meta=meta)
