"""For tests of the embedded default under write contention: skip unless the test database is
a SQLite file, hold SQLite's write lock from another connection for a while, and the open
round of six people such tests answer."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import connection

from surveys.models import PulseRound
from surveys.rubric_io import rubric_install, rubric_read
from tests.factories import org_make, people_make, round_make, team_make

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


def contention_round() -> PulseRound:
    """An open round of one team of six, on the shipped rubric (installed again: these are
    transactional tests, and an earlier one's flush took the data migration's rows)."""
    rubric_install(data=rubric_read())
    org = org_make()
    team = team_make(org=org)
    people_make(org=org, team=team, n=6)
    return round_make(org=org, teams=[team])
