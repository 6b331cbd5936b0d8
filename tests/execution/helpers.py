"""Shared helpers for the execution reader tests: fixture paths and in-memory workbooks."""

from __future__ import annotations

import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An XLSX workbook built with openpyxl, one sheet per entry, rows as given."""
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class EndlessCSV(io.RawIOBase):
    """A never-ending, non-seekable CSV stream that counts what was read from it."""

    def __init__(self, line: bytes = b"T-1,Platform,Do it,Done,,2025-07-01,,,,\n") -> None:
        self.header = (
            b"item_id,team,title,status,assignee,created_at,started_at,done_at,due_at,canceled_at\n"
        )
        self.line = line
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = len(buffer)
        if self.read_bytes == 0:
            data = self.header + self.line * (n // len(self.line) + 1)
        else:
            # Continue the line where the previous read stopped, so every line stays whole.
            offset = (self.read_bytes - len(self.header)) % len(self.line)
            data = (self.line * (n // len(self.line) + 2))[offset:]
        buffer[:n] = data[:n]
        self.read_bytes += n
        return n
