"""One survey writer at a time on SQLite, across threads AND processes, handed over at once.

SQLite has one write lock per database, and a writer that finds it taken sleeps in its busy
handler in steps of 1-100 ms before trying again (sqlite3_busy_timeout). Under load most of
a submit's time was that sleep: p99 ~1 s at 10 clients. Threads of one process queue on a
Python lock; the processes of one server (gunicorn workers) then queue on an advisory
`flock` of a file beside the database, which the kernel hands to the next waiter the moment
it is released. SQLite's own lock (IMMEDIATE transactions) still decides correctness: this
only orders survey writers so they do not poll for it. A recompute's swap and publish take the
turn too (scoring.services), so answers waiting behind it get the lock the moment it is done;
any other writer (a flush) meets them at SQLite's lock as before, bounded by the busy timeout.
The turn is re-entrant per thread.

PostgreSQL locks rows: survey writers run side by side there, and this is a no-op.
An in-memory SQLite database (tests) has no file: the Python lock alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.db import connection

_thread_lock = threading.Lock()
# Whether this thread holds the turn: a writer inside the turn that reaches another writer
# taking it (a submit's eager on-commit task that recomputes and publishes) goes on in the
# turn it has, instead of waiting for itself.
_held = threading.local()
# The lock file's descriptor per process id: a descriptor inherited over fork shares its
# lock with the parent, so each process (gunicorn worker) opens its own.
_fds: dict[int, int] = {}


def _lock_path() -> str | None:
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return name + ".writer-lock"


def _fd(path: str) -> int | None:
    pid = os.getpid()
    fd = _fds.get(pid)
    if fd is None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # no file beside the database: SQLite's busy handler orders processes
            return None
        _fds.clear()  # a parent's descriptor is not ours to use (closed with the parent)
        _fds[pid] = fd
    return fd


@contextlib.contextmanager
def survey_writer_turn() -> Iterator[None]:
    """Hold the turn to write on SQLite (a no-op on PostgreSQL) for the enclosed block."""
    if connection.vendor != "sqlite" or getattr(_held, "turn", False):
        yield
        return
    with _thread_lock:
        _held.turn = True
        try:
            path = _lock_path()
            fd = _fd(path) if path is not None else None
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks without holding the GIL; woken on release
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            _held.turn = False
