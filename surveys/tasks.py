"""Celery tasks of surveys: thin, idempotent wrappers around the services (ids in, nothing out)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="surveys.tasks.round_dispatch")
def round_dispatch_task(round_id: int) -> int:
    from surveys.services.dispatch import round_dispatch

    return round_dispatch(round_id=round_id).sent


@shared_task(name="surveys.tasks.schedule_run")
def schedule_run_task(schedule_id: int) -> int | None:
    from surveys.services.schedules import schedule_run

    rnd = schedule_run(schedule_id=schedule_id)
    return rnd.pk if rnd else None


@shared_task(name="surveys.tasks.rounds_tick")
def rounds_tick_task() -> dict[str, int]:
    from surveys.services.rounds import rounds_tick

    return rounds_tick()
