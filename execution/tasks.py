"""Celery tasks of execution: thin, id-only wrappers around the services (idempotent)."""

from __future__ import annotations

from core.tasks import long_running, task
from execution.services_import import import_run_execute


@task(name="execution.import_run", **long_running())
def import_run_task(run_id: int) -> str:
    """Execute one import run; a finished run is left as it is (the task may run twice).

    A big file takes minutes, so the task is acknowledged when taken (core.tasks.long_running);
    an import lost with a killed worker wrote nothing (its writes are one transaction) and its
    run page keeps showing it as running: import the same file again (re-imports are
    idempotent: items already there are updated, never doubled).
    """
    run = import_run_execute(run_id=run_id)
    return "" if run is None else str(run.state)
