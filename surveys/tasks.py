"""Celery tasks of surveys: thin, idempotent wrappers around the services (ids in, nothing out)."""

from __future__ import annotations

from core.tasks import task
from surveys.services.dispatch import DISPATCH_BUDGET_SECONDS, round_dispatch
from surveys.services.reminders import reminders_send
from surveys.services.responses import responses_flush
from surveys.services.rounds import rounds_tick
from surveys.services.schedules import schedule_run


# A failed dispatch (mail server down) is retried with backoff; the minute tick also
# re-queues any open round whose dispatch never finished, so a lost message misses nobody.
# The longest retry wait stays below the broker's visibility timeout (40 s): a waiting task
# held longer would be handed out twice (docs/operations.md).
@task(
    name="surveys.dispatch_round",
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=30,
    max_retries=8,
)
def round_dispatch_task(round_id: int) -> int:
    """Send for at most DISPATCH_BUDGET_SECONDS, then queue the rest as a new task run."""
    return round_dispatch(round_id=round_id, budget=DISPATCH_BUDGET_SECONDS).sent


@task(name="surveys.run_schedule")
def schedule_run_task(schedule_id: int) -> int | None:
    rnd = schedule_run(schedule_id=schedule_id)
    return rnd.pk if rnd else None


@task(name="surveys.tick_rounds")
def rounds_tick_task() -> dict[str, int]:
    return rounds_tick()


@task(name="surveys.flush_responses")
def responses_flush_task(round_id: int) -> int:
    """After each answer: write the round's buffered groups that reached k (shuffled)."""
    return len(responses_flush(round_id=round_id))


@task(name="surveys.send_reminders_now")
def reminders_now_task(round_id: int) -> int:
    """Reminders someone asked for on the round page (cap and gap as the automatic ones)."""
    return reminders_send(round_id=round_id, manual=True)
