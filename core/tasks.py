"""The one way to declare and queue Celery work: `@task` and `some_task.delay_on_commit(id)`.

Tasks are thin: they take ids, call a service and are idempotent, because they are
acknowledged late and may run twice after a worker dies. They are queued only after the
surrounding transaction commits, so a worker never looks for a row that a rolled-back
transaction never wrote. A publish the broker refuses (Redis down) never fails the request:
the task is kept in the outbox (core/outbox.py) and published when the broker is back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from celery import current_app, shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction

from core.outbox import outbox_drain, task_publish, task_publish_coalesced

F = TypeVar("F", bound=Callable[..., Any])


class Task(DjangoTask):
    """Acknowledged late and re-queued if the worker is lost mid-task."""

    acks_late = True
    reject_on_worker_lost = True

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """After the commit, publish; a broker outage keeps the task in the outbox, no error."""
        if kwargs:
            raise TypeError("tasks take ids as positional arguments only")
        transaction.on_commit(partial(task_publish, self.name, args))

    def apply_async_on_commit(  # type: ignore[override]
        self, args: Any = (), kwargs: Any = None, countdown: float | None = None
    ) -> None:
        if kwargs:
            raise TypeError("tasks take ids as positional arguments only")
        transaction.on_commit(partial(task_publish, self.name, tuple(args), countdown))


def long_running() -> dict[str, Any]:
    """Options of a task that may run longer than the broker's visibility timeout.

    Redis hands an unacknowledged task to a second worker once CELERY_VISIBILITY_TIMEOUT has
    passed, and again while it still runs; such a task is acknowledged when a worker takes it
    instead, with its own time limit. A worker killed mid-task then loses it: each such task
    says in its docstring what finds it again (docs/operations.md, "Faults").
    """
    limit = int(getattr(settings, "LONG_TASK_TIME_LIMIT", 3600))
    return {
        "acks_late": False,
        "reject_on_worker_lost": False,
        "time_limit": limit,
        "soft_time_limit": limit - 30,
    }


def task(*, name: str, **options: Any) -> Callable[[F], Any]:
    """Register a task named `<app>.<verb_object>` (one naming style for every app)."""
    app_label, _, rest = name.partition(".")
    if not app_label or not rest or "." in rest:
        raise ValueError(f"task name {name!r} must look like '<app>.<verb_object>'")

    def register(fn: F) -> Any:
        return shared_task(base=Task, name=name, **options)(fn)

    return register


def task_queue_on_commit(
    name: str, *args: Any, countdown: float | None = None, coalesce: float | None = None
) -> None:
    """Queue the registered task `name` after the current transaction commits.

    How a service queues its own app's task: by name, because the app's tasks module imports
    the service (tasks are thin wrappers), and an import back would be a cycle. An unknown
    name raises KeyError at once, so a typo fails the first test that reaches it.
    `coalesce` (seconds): one run per window for the same arguments (`task_publish_coalesced`).
    """
    current_app.tasks[name]
    if coalesce is not None:
        transaction.on_commit(partial(task_publish_coalesced, name, args, coalesce))
        return
    transaction.on_commit(partial(task_publish, name, args, countdown))


@task(name="core.drain_outbox")
def outbox_drain_task() -> int:
    """Beat (every minute): publish the tasks a broker outage left in the outbox."""
    return outbox_drain()
