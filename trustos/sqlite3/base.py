"""SQLite backend that creates the database's folder (var/) when it first connects.

Settings import without side effects, so nothing creates var/ ahead of time; whichever
process opens the database first (migrate, runserver, the worker, the test run) makes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


def database_folder(name: object) -> Path | None:
    """The folder a SQLite database name lives in; None for in-memory and URI names."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:"):
        return None
    return Path(text).parent


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        folder = database_folder(conn_params.get("database", ""))
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
