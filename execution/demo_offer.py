"""The demo files offered for download on the import page (and imported by the demo seeder).

The realistic Jira- and Linear-shaped files come from `execution.demo_files` when that module
is installed; without it a tiny neutral example is offered, so the page never links nowhere.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

CSV = "text/csv; charset=utf-8"

EXAMPLE_ITEMS = (
    "item_id,team,title,status,assignee,created_at,started_at,done_at,due_at\n"
    "EX-1,Platform,Rotate keys,Done,ada@example.com,2026-10-01 09:00,2026-10-02 09:00,"
    "2026-10-06 17:00,2026-10-08 17:00\n"
    "EX-2,Platform,Cache warm-up,In Progress,bob@example.com,2026-10-03 09:00,"
    "2026-10-05 09:00,,2026-10-20 17:00\n"
)
EXAMPLE_HISTORY = (
    "item_id,field,from_value,to_value,at\n"
    "EX-1,status,To Do,In Progress,2026-10-02 09:00\n"
    "EX-1,assignee,bob@example.com,ada@example.com,2026-10-03 10:00\n"
    "EX-1,status,In Progress,Done,2026-10-06 17:00\n"
    "EX-2,status,To Do,In Progress,2026-10-05 09:00\n"
)
EXAMPLES: dict[str, tuple[str, str]] = {
    "example-items.csv": ("Work items in the neutral format (2 rows)", EXAMPLE_ITEMS),
    "example-history.csv": ("Their status and assignee history", EXAMPLE_HISTORY),
}


def _generator() -> ModuleType | None:
    try:
        return importlib.import_module("execution.demo_files")
    except ImportError:
        return None


def demo_files() -> list[dict[str, Any]]:
    """Name and description of each file offered for download."""
    gen = _generator()
    listing = getattr(gen, "demo_file_list", None) if gen is not None else None
    if callable(listing):
        return [dict(x) for x in listing()]
    return [{"name": n, "description": d} for n, (d, _) in EXAMPLES.items()]


def demo_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of one offered file (None if there is no such file)."""
    gen = _generator()
    getter = getattr(gen, "demo_file_bytes", None) if gen is not None else None
    if callable(getter):
        data = getter(name)
        return None if data is None else (bytes(data), CSV)
    found = EXAMPLES.get(name)
    return None if found is None else (found[1].encode(), CSV)
