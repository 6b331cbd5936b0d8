"""For tests of the embedded default under write contention: skip unless the test database is
a SQLite file, and hold SQLite's write lock from another connection for a while."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import connection

sqlite_file_only = pytest.mark.skipif(
    connection.vendor != "sqlite"
    or "memory" in str(connection.settings_dict.get("TEST", {}).get("NAME") or "memory"),
    reason="the embedded default: a SQLite file shared by connections",
)


def write_lock_hold(seconds: float) -> threading.Event:
    """Take the database's write lock now (BEGIN IMMEDIATE on a connection of its own) and
    release it after `seconds` in a thread; the event is set once it is released."""
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(seconds)
        holder.execute("COMMIT")
        holder.close()
        released.set()

    threading.Thread(target=release, daemon=True).start()
    return released
