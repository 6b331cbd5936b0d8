"""The task outbox: a task the broker could not take yet is kept in the database, published later.

Two ways in, one way out:
- `task_queue_durable(name, *args)` writes the row in the caller's transaction (saved with the
  change or not at all) and publishes it right after the commit: a crash or a broker outage
  between the commit and the publish loses nothing (round dispatch uses it);
- `task_publish(name, args)` publishes now (what `task_queue_on_commit` runs after the commit)
  and only records a row when the broker refuses, so a request never fails with a 500 because
  Redis is down and the work is not lost.
`outbox_drain()` (the every-minute beat task `core.drain_outbox`, and after any successful
durable publish) publishes what is left, oldest first. A row is deleted after its publish, so
a crash in between publishes it twice: tasks are idempotent (core/tasks.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError as BrokerError

from core.models import OutboxTask

log = logging.getLogger(__name__)

# What a publish raises when the broker is unreachable (kombu wraps the transport's errors;
# a socket error can still escape from a half-open connection).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, ConnectionError, TimeoutError)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _send(name: str, args: Sequence[Any], countdown: float | None = None) -> None:
    options: dict[str, Any] = {} if countdown is None else {"countdown": countdown}
    current_app.tasks[name].apply_async(args=tuple(args), **options)


def task_publish(name: str, args: Sequence[Any], countdown: float | None = None) -> bool:
    """Publish the task now; if the broker is down, keep it in the outbox. True if published.

    Eager runs (tests, no broker) publish nothing: the task runs here and its errors propagate.
    A countdown only batches work, so a task kept in the outbox goes out without it.
    """
    if _eager():
        _send(name, args, countdown)
        return True
    try:
        _send(name, args, countdown)
    except BROKER_ERRORS as exc:
        OutboxTask.objects.create(name=name, args=list(args), attempts=1, last_error=str(exc))
        log.warning("broker unreachable, %s%s kept in the outbox: %s", name, tuple(args), exc)
        return False
    return True


# (name, args) → monotonic time a coalesced publish was last sent by this process.
_coalesced: dict[tuple[str, tuple[Any, ...]], float] = {}
_coalesced_lock = threading.Lock()


def task_publish_coalesced(name: str, args: Sequence[Any], window: float) -> bool:
    """Publish the task to run in `window` seconds, unless this process already sent the
    same task and arguments within the last `window` seconds (that run, not started yet,
    covers this call too). For tasks that act on everything waiting when they run (a flush
    of a round's buffer): under load one publish per round and second instead of one per
    request. Eager runs (tests) publish every call, at once.
    """
    if _eager():
        return task_publish(name, args)
    key, now = (name, tuple(args)), time.monotonic()
    with _coalesced_lock:
        if now - _coalesced.get(key, -window) < window:
            return True
        _coalesced[key] = now
        if len(_coalesced) > 10_000:  # keys of finished work: drop them all, harmlessly
            _coalesced.clear()
    return task_publish(name, args, countdown=window)


def task_queue_durable(name: str, *args: Any) -> OutboxTask:
    """Save the task with the current transaction; publish it once that commits."""
    current_app.tasks[name]
    row = OutboxTask.objects.create(name=name, args=list(args))
    transaction.on_commit(lambda: _publish_row(row.pk))
    return row


def _publish_row(pk: int) -> None:
    if outbox_publish(pk=pk) and OutboxTask.objects.exists():
        # The broker answers again: send what an earlier outage left behind.
        outbox_drain()


def outbox_publish(*, pk: int) -> bool:
    """Publish one outbox row and delete it; False (and the error noted) if the broker refused."""
    row = OutboxTask.objects.filter(pk=pk).first()
    if row is None:  # published meanwhile by a drain
        return True
    try:
        _send(row.name, row.args)
    except BROKER_ERRORS as exc:
        if _eager():
            raise
        OutboxTask.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=str(exc))
        log.warning("broker unreachable, %s%s stays in the outbox: %s", row.name, row.args, exc)
        return False
    OutboxTask.objects.filter(pk=pk).delete()
    return True


def outbox_drain(*, limit: int = 500) -> int:
    """Publish the oldest waiting tasks (at most `limit`); stop at the first broker error.

    Rows are locked (skip locked) while published, so two drains never send the same row.
    """
    published = 0
    with transaction.atomic():
        rows = list(OutboxTask.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for row in rows:
            try:
                _send(row.name, row.args)
            except BROKER_ERRORS as exc:
                OutboxTask.objects.filter(pk=row.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)
                )
                log.warning("broker still unreachable, %d task(s) wait in the outbox", len(rows))
                break
            OutboxTask.objects.filter(pk=row.pk).delete()
            published += 1
    return published


def outbox_waiting(*, name: str, args: Sequence[Any]) -> bool:
    """Is this task waiting in the outbox (not yet taken by the broker)?"""
    return OutboxTask.objects.filter(name=name, args=list(args)).exists()
