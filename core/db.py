"""One short write transaction that outlasts SQLite's "database is locked" (PostgreSQL: atomic).

On the embedded SQLite file every transaction begins IMMEDIATE (trustos/envconfig.py) and
waits up to the busy timeout for the single write lock. Under a burst (12 survey links opened
at once beside the worker's tasks) some writers were still refused at once or after the
timeout, and a page or task failed for what is only a queue. `write_transaction_run` runs the
block in its own outermost transaction and, when SQLite refuses it with "locked", runs it
again until a deadline: the refused transaction rolled back (nothing of it happened, its
on_commit callbacks are dropped), so running it again is safe. A block nested in a caller's
transaction is not retried (the caller's transaction is already lost); PostgreSQL locks rows
and waits on its own: one plain `atomic`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction

T = TypeVar("T")

# How long a write keeps trying while other writers hold SQLite's lock: a recompute's swap
# at 1M responses held it 5-10 s on a loaded 2-core box (BENCHMARKS.md).
LOCKED_WAIT_S = 30.0


def write_transaction_run(fn: Callable[[], T], *, wait_s: float = LOCKED_WAIT_S) -> T:
    """Run `fn` in one transaction; on SQLite, again while it is refused as "locked"."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            return fn()
    deadline = time.monotonic() + wait_s
    pause = 0.005
    while True:
        try:
            with transaction.atomic():
                return fn()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        # Jittered, growing pause: a herd refused together does not retry together.
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.2)
