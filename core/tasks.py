"""The one way to declare and queue Celery work: `@task` and `some_task.delay_on_commit(id)`.

Tasks are thin: they take ids, call a service and are idempotent, because they are
acknowledged late and may run twice after a worker dies. They are queued only after the
surrounding transaction commits (`delay_on_commit`, from Celery's Django task class), so a
worker never looks for a row that a rolled-back transaction never wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from celery import current_app, shared_task
from celery.contrib.django.task import DjangoTask

F = TypeVar("F", bound=Callable[..., Any])


class Task(DjangoTask):
    """Acknowledged late and re-queued if the worker is lost mid-task."""

    acks_late = True
    reject_on_worker_lost = True


def task(*, name: str, **options: Any) -> Callable[[F], Any]:
    """Register a task named `<app>.<verb_object>` (one naming style for every app)."""
    app_label, _, rest = name.partition(".")
    if not app_label or not rest or "." in rest:
        raise ValueError(f"task name {name!r} must look like '<app>.<verb_object>'")

    def register(fn: F) -> Any:
        return shared_task(base=Task, name=name, **options)(fn)

    return register


def task_queue_on_commit(name: str, *args: Any, countdown: float | None = None) -> None:
    """Queue the registered task `name` after the current transaction commits.

    How a service queues its own app's task: by name, because the app's tasks module imports
    the service (tasks are thin wrappers), and an import back would be a cycle. An unknown
    name raises KeyError at once, so a typo fails the first test that reaches it.
    """
    registered = cast(DjangoTask, current_app.tasks[name])
    if countdown is None:
        registered.delay_on_commit(*args)
    else:
        registered.apply_async_on_commit(args=args, countdown=countdown)
