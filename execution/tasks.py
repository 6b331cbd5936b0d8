"""Celery tasks of execution: thin, id-only wrappers around the services (idempotent)."""

from __future__ import annotations

from core.tasks import task
from execution.services_import import import_run_execute


@task(name="execution.import_run")
def import_run_task(run_id: int) -> str:
    """Execute one import run; a finished run is left as it is (the task may run twice)."""
    run = import_run_execute(run_id=run_id)
    return "" if run is None else str(run.state)
