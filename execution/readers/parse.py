"""Vectorised cell parsing shared by the readers: dates to UTC, numbers, header matching.

No loop per row: each function takes a whole column (strings) and returns the parsed column
plus a mask of the cells that did not parse, so the reader can report row, column, value and
the format it expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from execution.readers.base import ReadError

ISO = "ISO8601"
# JavaScript's Date.toString(), as some tools write it: "Mon Jul 14 2025 15:42:00 GMT+0200 (CEST)".
JS_DATE = "%a %b %d %Y %H:%M:%S GMT%z"
_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"
_JS_SUFFIX = r"\s*\([^)]*\)\s*$"

# Formats a guess tries, most specific first (Jira's locale formats, US/EU, ISO last).
CANDIDATE_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%b %d, %Y",
    JS_DATE,
    ISO,
)


def norm_header(name: str) -> str:
    """Header as compared: lower case, single spaces (so 'Due date' == 'Due  Date ')."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def slug(name: str) -> str:
    """A column name for an extra column: 'Fix Version/s' -> 'fix_version_s'."""
    return re.sub(r"[^a-z0-9]+", "_", norm_header(name)).strip("_") or "column"


def strings(col: pd.Series, *, strip: bool = True) -> pd.Series:
    """Cells (str or NaN, as a Table holds them) stripped, empty -> NaN, object dtype.

    strip=False skips the (per-cell, slow) stripping when the table knows no cell is padded.
    """
    out = pd.Series(col, dtype=object)
    if not strip:
        return out
    out = out.str.strip()
    return out.where(out.ne(""), np.nan)


def _localize(parsed: pd.Series, tz: str) -> pd.Series:
    n = len(parsed)
    return parsed.dt.tz_localize(
        tz, ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward"
    ).dt.tz_convert("UTC")


def _to_utc(values: pd.Series, fmt: str, tz: str) -> pd.Series:
    """Parse with one format; naive results are in `tz`; anything with an offset keeps it."""
    if fmt == JS_DATE:
        values = values.str.replace(_JS_SUFFIX, "", regex=True)
    try:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except ValueError:  # mixed offsets and naive values (ISO): split them
        has_offset = values.str.contains(_OFFSET, regex=True, na=False)
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
        if has_offset.any():
            out[has_offset] = pd.to_datetime(
                values[has_offset], format=fmt, errors="coerce", utc=True
            ).astype("datetime64[ns, UTC]")
        if (~has_offset).any():
            naive = pd.to_datetime(values[~has_offset], format=fmt, errors="coerce")
            if naive.dt.tz is None:
                out[~has_offset] = _localize(naive, tz).astype("datetime64[ns, UTC]")
            else:
                out[~has_offset] = naive.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        return out
    if parsed.dt.tz is None:
        return _localize(parsed, tz).astype("datetime64[ns, UTC]")
    return parsed.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def parse_dates(values: pd.Series, *, fmt: str, tz: str) -> tuple[pd.Series, pd.Series]:
    """Dates in `fmt` (naive ones in time zone `tz`) to UTC; ISO 8601 is accepted as a fallback
    (XLSX date cells arrive as ISO text). Returns (datetime64[ns, UTC], mask of bad cells)."""
    s = values.astype(object)
    present = s.notna()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if not present.any():
        return out, pd.Series(False, index=s.index)
    text = s[present]
    parsed = _to_utc(text, fmt, tz)
    missing = parsed.isna()
    if missing.any():
        # Only the cells that failed are stripped and tried again, then tried as ISO 8601.
        retry = text[missing].astype(str).str.strip()
        parsed[missing] = _to_utc(retry, fmt, tz)
        missing = parsed.isna()
        if missing.any() and fmt != ISO:
            parsed[missing] = _to_utc(retry[missing], ISO, tz)
    out[present] = parsed
    bad = present & out.isna()
    return out, bad


def describe_format(fmt: str) -> str:
    """The format as a reader of the skipped report understands it."""
    if fmt == ISO:
        return "ISO 8601, e.g. 2025-07-14 or 2025-07-14T15:42:00Z"
    example = pd.Timestamp("2025-07-14 15:42:00").strftime(fmt.replace("GMT%z", "GMT+0000"))
    return f"{fmt} (e.g. {example})"


def date_share(sample: pd.Series, fmt: str) -> float:
    """Share of the sample's cells that parse with `fmt` (0..1)."""
    if not len(sample):
        return 0.0
    text = pd.Series(sample, dtype=object).astype(str).str.strip()
    if fmt == JS_DATE:
        text = text.str.replace(_JS_SUFFIX, "", regex=True)
    try:
        ok = pd.to_datetime(text, format=fmt, errors="coerce", utc=True).notna()
    except ValueError:
        return 0.0
    return float(ok.mean())


def guess_date_format(
    values: Iterable[object], candidates: Sequence[str] = CANDIDATE_FORMATS
) -> str:
    """The candidate format that parses most of the non-empty sample (ISO if none does better)."""
    sample = pd.Series([v for v in values if v is not None and str(v).strip()], dtype=object)
    sample = sample.astype(str).str.strip().head(500)
    if sample.empty:
        return ISO
    best, best_ok = ISO, -1
    for fmt in candidates:
        text = sample.str.replace(_JS_SUFFIX, "", regex=True) if fmt == JS_DATE else sample
        try:
            ok = int(pd.to_datetime(text, format=fmt, errors="coerce", utc=True).notna().sum())
        except ValueError:
            ok = 0
        if ok > best_ok:
            best, best_ok = fmt, ok
    return best


def parse_numbers(values: pd.Series, *, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers like '85', '85.5', '1,234.5', '1.234,5', '85 %' -> float; and the bad-cell mask.

    A cell with both separators takes the last one as the decimal mark; a cell with only a
    comma reads it as decimal when `decimal_comma` (semicolon files), else as thousands.
    """
    s = pd.Series(values, dtype=object)
    present = s.notna()
    text = s[present].astype(str).str.replace(r"[\s\u00a0%']", "", regex=True)
    comma_at = text.str.rfind(",")
    dot_at = text.str.rfind(".")
    comma_decimal = (comma_at > dot_at) & ((dot_at >= 0) | decimal_comma)
    text = text.where(
        ~comma_decimal,
        text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
    )
    text = text.where(comma_decimal, text.str.replace(",", "", regex=False))
    num = pd.to_numeric(text, errors="coerce")
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    out[present] = num.astype("float64")
    bad = present & out.isna()
    return out, bad


def match_columns(
    headers: Sequence[str],
    candidates: Mapping[str, Sequence[str]],
    column_map: Mapping[str, str] | None = None,
) -> dict[str, list[int]]:
    """Role -> positions of the columns that fill it.

    The user's `column_map` (header -> role; role "ignore" drops a column) wins; otherwise
    each role takes every column named like its first matching candidate (repeated headers
    all count, so `Labels, Labels` gives two positions).
    """
    normed = [norm_header(h) for h in headers]
    absent = [k for k in (column_map or {}) if norm_header(k) not in normed]
    if absent:
        raise ReadError(
            f"The column map names columns the file does not have: {', '.join(absent)}. "
            f"The file's columns are: {', '.join(headers)}.",
            code="unknown_columns",
            meta={"unknown": absent, "headers": list(headers)},
        )
    taken: set[int] = set()
    out: dict[str, list[int]] = {}
    if column_map:
        by_norm = {norm_header(k): v for k, v in column_map.items()}
        for i, h in enumerate(normed):
            role = by_norm.get(h)
            if role is None:
                continue
            taken.add(i)
            if role != "ignore":
                out.setdefault(role, []).append(i)
    for role, names in candidates.items():
        if role in out:
            continue
        for name in names:
            pos = [i for i, h in enumerate(normed) if h == norm_header(name) and i not in taken]
            if pos:
                out[role] = pos
                taken.update(pos)
                break
    return out
