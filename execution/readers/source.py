"""Open an uploaded table (CSV, TSV or XLSX) as strings: size limit, encoding, delimiter, sheet.

Everything above this module works on a `Table`: the header names by position (repeated
names kept), the cells as strings (object dtype, missing = NaN) and each row's number as a
spreadsheet shows it (the header is row 1). The file is read through a counting stream, so
a file beyond the caller's limit is refused when the limit is crossed, never read whole first.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd

from execution.readers.base import DEFAULT_LIMIT_BYTES, ReadError, human_bytes

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# Byte classes for the padded-cell scan (numpy over each chunk: it sees every byte of a big file).
_BOUNDARY = np.zeros(256, dtype=bool)
_BOUNDARY[list(b',;\t\r\n"')] = True


def _has_padding(chunk: bytes, delimiter: str) -> bool:
    """A space (or, unless tab-separated, a tab) right before or after a delimiter, quote or
    line end? Only the blanks' neighbours are looked at, so this stays cheap on a big file."""
    a = np.frombuffer(chunk, dtype=np.uint8)
    blank = a == 32 if delimiter == "\t" else (a == 32) | (a == 9)
    pos = np.flatnonzero(blank)
    if not len(pos):
        return False
    edge = _BOUNDARY.copy()
    if len(delimiter) == 1 and ord(delimiter) < 128:  # a chosen delimiter such as "|"
        edge[ord(delimiter)] = True
    edge[32] = False
    if delimiter != "\t":
        edge[9] = False
    after = pos[pos + 1 < len(a)] + 1
    before = pos[pos > 0] - 1
    return bool(edge[a[after]].any() or edge[a[before]].any())


@dataclass(frozen=True)
class Table:
    """An opened table: header names by position, string cells, spreadsheet row numbers."""

    headers: list[str]
    data: pd.DataFrame  # columns 0..n-1 (positions), object dtype, missing = NaN
    rows: np.ndarray  # 1-based row number in the file of each data row (header = row 1)
    meta: dict[str, object] = field(default_factory=dict)
    # Whether any cell may start or end with a space: when False, stripping can be skipped
    # (a C-speed scan of the raw bytes decides it; stripping a million cells is the slow part).
    padded: bool = True


def too_large(limit_bytes: int) -> ReadError:
    return ReadError(
        f"The file is larger than the limit of {human_bytes(limit_bytes)}. "
        "Export a shorter date range or split the file, then upload each part.",
        code="too_large",
        meta={"limit_bytes": limit_bytes},
    )


class _LimitedStream(io.RawIOBase):
    """The already-read head, then the rest of the file, counting bytes against the limit."""

    def __init__(self, head: bytes, rest: BinaryIO, limit_bytes: int, delimiter: str) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._limit = limit_bytes
        self.count = 0
        self.padded = False
        self._last = b"\n"
        self._delimiter = delimiter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if len(self._head):
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            chunk = self._rest.read(min(len(buffer), CHUNK_BYTES))
            n = len(chunk)
            buffer[:n] = chunk
        self.count += n
        if self.count > self._limit:
            raise too_large(self._limit)
        if not self.padded and n:
            self.padded = _has_padding(self._last + bytes(buffer[:n]), self._delimiter)
            self._last = bytes(buffer[n - 1 : n])
        return n


def _as_stream(file: BinaryIO | bytes) -> BinaryIO:
    return io.BytesIO(file) if isinstance(file, bytes | bytearray) else file


def _remaining_size(file: BinaryIO) -> int | None:
    try:
        if not file.seekable():
            return None
        pos = file.tell()
        end = file.seek(0, io.SEEK_END)
        file.seek(pos)
        return end - pos
    except (OSError, AttributeError, ValueError):
        return None


def detect_encoding(head: bytes) -> str:
    """utf-8-sig / utf-16 by BOM, else utf-8 if the head decodes, else cp1252 (old Excel)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(head) >= 4 and head[1:200:2].count(0) > len(head[1:200:2]) * 0.8:
        return "utf-16-le"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _first_line(text: str) -> str:
    """The first record's text, newlines inside quotes included."""
    in_quotes = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            return text[:i]
    return text


def detect_delimiter(text: str, filename: str | None = None) -> str:
    """The delimiter the header line uses most: comma, semicolon or tab (a .tsv name wins ties)."""
    line = _first_line(text)
    outside = []
    in_quotes = False
    for ch in line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            outside.append(ch)
    flat = "".join(outside)
    counts = {d: flat.count(d) for d in DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return "\t" if (filename or "").lower().endswith(".tsv") else ","
    if (filename or "").lower().endswith(".tsv") and counts["\t"] == best:
        return "\t"
    return max(DELIMITERS, key=lambda d: counts[d])


def _clean_headers(raw: list[object]) -> list[str]:
    out = []
    for i, h in enumerate(raw):
        name = "" if h is None else str(h).replace("\ufeff", "").strip()
        out.append(name or f"Column {i + 1}")
    return out


def read_table(
    file: BinaryIO | bytes,
    *,
    limit_bytes: int = DEFAULT_LIMIT_BYTES,
    filename: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    nrows: int | None = None,
) -> Table:
    """Open a CSV/TSV (any of the usual encodings and delimiters) or an XLSX as a `Table`.

    Raises ReadError: too_large (with the limit), empty, header_only, sheet_required
    (meta["sheets"]), unknown_sheet, unreadable. `nrows` reads only the first rows (preview).
    """
    stream = _as_stream(file)
    size = _remaining_size(stream)
    if size is not None and size > limit_bytes:
        raise too_large(limit_bytes)
    seekable = bool(getattr(stream, "seekable", lambda: False)())
    start = stream.tell() if seekable else None
    head = stream.read(HEAD_BYTES)
    if len(head) > limit_bytes:
        raise too_large(limit_bytes)
    if head.startswith(OLE_MAGIC):
        raise ReadError(
            "This is an old Excel .xls file: save it as .xlsx or CSV and upload that.",
            code="unreadable",
        )
    if head.startswith(XLSX_MAGIC):
        return _read_xlsx(head, stream, limit_bytes=limit_bytes, sheet=sheet, nrows=nrows)
    enc = encoding or detect_encoding(head)
    if b"\x00" in head and not enc.startswith("utf-16"):
        # NUL bytes outside UTF-16: an image, PDF or other binary file, not a table.
        raise ReadError(
            "This is not a table: upload a CSV or TSV text file or an XLSX workbook.",
            code="unreadable",
        )
    try:
        return _read_csv(head, stream, enc, delimiter, filename, limit_bytes, nrows)
    except UnicodeDecodeError:
        # The head was UTF-8 but a later byte is not: an old Excel (cp1252) file. Start again.
        if encoding is not None or enc != "utf-8" or start is None:
            raise ReadError(
                f"The file is not valid {enc} text. Save it as UTF-8 CSV and upload it again.",
                code="unreadable",
            ) from None
        stream.seek(start)
        head = stream.read(HEAD_BYTES)
        return _read_csv(head, stream, "cp1252", delimiter, filename, limit_bytes, nrows)


def _read_csv(
    head: bytes,
    stream: BinaryIO,
    enc: str,
    delimiter: str | None,
    filename: str | None,
    limit_bytes: int,
    nrows: int | None,
) -> Table:
    text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=False)
    if not text.replace("\ufeff", "").strip():
        raise ReadError("The file is empty.", code="empty")
    named = {v: k for k, v in DELIMITER_NAMES.items()}
    sep = named.get(delimiter or "", delimiter) or detect_delimiter(text, filename)
    first = next(csv.reader(io.StringIO(_first_line(text.lstrip("\ufeff"))), delimiter=sep), [])
    headers = _clean_headers(list(first))
    limited = _LimitedStream(head, stream, limit_bytes, sep)
    try:
        data = pd.read_csv(
            io.BufferedReader(limited, buffer_size=CHUNK_BYTES),
            sep=sep,
            header=0,
            names=list(range(len(headers))),
            dtype=object,
            encoding=enc,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            nrows=nrows,
            engine="c",
        )
    except ReadError:
        raise
    except pd.errors.ParserError as exc:
        raise ReadError(
            f"The file could not be read as a {DELIMITER_NAMES.get(sep, repr(sep))}-separated "
            f"table: {exc}",
            code="unreadable",
        ) from None
    except pd.errors.EmptyDataError:
        raise ReadError("The file is empty.", code="empty") from None
    rows = np.arange(2, len(data) + 2, dtype="int64")
    # Blank lines (every cell empty) are not rows; only rows with an empty first cell can be.
    first_empty = data[0].isna().to_numpy()
    if first_empty.any():
        keep = ~first_empty
        keep[first_empty] = data.loc[first_empty].notna().any(axis=1).to_numpy()
        data, rows = data.loc[keep].reset_index(drop=True), rows[keep]
    if not len(data):
        raise ReadError(
            f"The file has column headers ({', '.join(headers[:8])}"
            f"{', …' if len(headers) > 8 else ''}) but no rows.",
            code="header_only",
            meta={"headers": headers},
        )
    meta: dict[str, object] = {
        "format": "tsv" if sep == "\t" else "csv",
        "encoding": enc,
        "delimiter": DELIMITER_NAMES.get(sep, sep),
        "bytes": limited.count,
    }
    # The byte scan only understands ASCII-compatible encodings; UTF-16 is always stripped.
    padded = limited.padded or enc.startswith("utf-16")
    return Table(headers=headers, data=data, rows=rows, meta=meta, padded=padded)


def _cell_text(value: object) -> object:
    if value is None:
        return np.nan
    if isinstance(value, dt.datetime):
        # Excel has no date type: a date cell is a datetime at midnight.
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if text else np.nan


def _read_xlsx(
    head: bytes, stream: BinaryIO, *, limit_bytes: int, sheet: str | None, nrows: int | None
) -> Table:
    from openpyxl import load_workbook  # heavy import: only when an XLSX arrives

    buf = bytearray(head)
    while chunk := stream.read(CHUNK_BYTES):
        buf += chunk
        if len(buf) > limit_bytes:
            raise too_large(limit_bytes)
    try:
        wb = load_workbook(io.BytesIO(bytes(buf)), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ReadError(f"The XLSX file could not be opened: {exc}", code="unreadable") from None
    try:
        sheets = list(wb.sheetnames)
        if sheet is None and len(sheets) > 1:
            raise ReadError(
                f"This workbook has {len(sheets)} sheets ({', '.join(sheets)}): "
                "choose the one to import.",
                code="sheet_required",
                meta={"sheets": sheets},
            )
        name = sheet if sheet is not None else sheets[0]
        if name not in sheets:
            raise ReadError(
                f"The workbook has no sheet named {name!r}; its sheets are {', '.join(sheets)}.",
                code="unknown_sheet",
                meta={"sheets": sheets},
            )
        header: list[object] | None = None
        header_row = 0
        cells: list[list[object]] = []
        rownums: list[int] = []
        for i, values in enumerate(wb[name].iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if all(isinstance(t, float) for t in texts):  # all NaN: a blank row
                continue
            if header is None:
                header, header_row = list(values), i
                continue
            cells.append(texts)
            rownums.append(i)
            if nrows is not None and len(cells) >= nrows:
                break
    finally:
        wb.close()
    if header is None:
        raise ReadError(f"The sheet {name!r} is empty.", code="empty", meta={"sheets": sheets})
    # Trailing unnamed, empty columns are Excel formatting, not data.
    width = len(header)
    while (
        width
        and header[width - 1] is None
        and all(len(r) < width or isinstance(r[width - 1], float) for r in cells)
    ):
        width -= 1
    headers = _clean_headers(header[:width])
    data = pd.DataFrame(
        [(r + [np.nan] * width)[:width] for r in cells], columns=list(range(width)), dtype=object
    )
    if not len(data):
        raise ReadError(
            f"The sheet {name!r} has column headers ({', '.join(headers[:8])}) but no rows.",
            code="header_only",
            meta={"headers": headers, "sheets": sheets},
        )
    meta: dict[str, object] = {
        "format": "xlsx",
        "sheet": name,
        "sheets": sheets,
        "header_row": header_row,
        "bytes": len(buf),
    }
    return Table(
        headers=headers, data=data, rows=np.array(rownums, dtype="int64"), meta=meta, padded=False
    )
