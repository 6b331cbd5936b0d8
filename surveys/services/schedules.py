"""Pulse schedules: stored with a django-celery-beat PeriodicTask kept in step with the schedule."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.audit import audit_record
from orgs.models import Organization, Team
from surveys.models import Cadence, PulseRound, PulseSchedule
from surveys.services.errors import SurveyError
from surveys.services.rounds import round_create

# The beat task each schedule's PeriodicTask runs (surveys/tasks.py registers it).
TASK_RUN_SCHEDULE = "surveys.run_schedule"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A schedule fires at most once per this many days: makes the beat task idempotent (a
# redelivered run finds the round it already made) and turns a weekly trigger into
# "every two weeks" for the fortnightly cadence (cron cannot count weeks).
MIN_GAP_DAYS = {Cadence.WEEKLY: 5, Cadence.FORTNIGHTLY: 12, Cadence.MONTHLY: 20}


def crontab_fields(*, cadence: str, weekday: int, hour: int) -> dict[str, str]:
    """The crontab of a cadence (pure). Monthly = the first such weekday of each month.

    Celery ANDs day_of_month with day_of_week (unlike classic cron), so "1-7" + "mon" is the
    first Monday. Fortnightly fires weekly; schedule_run skips the in-between week.
    """
    fields = {
        "minute": "0",
        "hour": str(hour),
        "day_of_week": WEEKDAYS[weekday],
        "day_of_month": "*",
        "month_of_year": "*",
    }
    if cadence == Cadence.MONTHLY:
        fields["day_of_month"] = "1-7"
    return fields


def _validate(fields: dict[str, Any], organization: Organization) -> None:
    errors = {}
    if not str(fields.get("name", "")).strip():
        errors["name"] = "Give the schedule a name."
    if fields.get("cadence") not in Cadence.values:
        errors["cadence"] = f"cadence must be one of {', '.join(Cadence.values)}."
    if not 6 <= int(fields.get("questions_per_round", 0)) <= 10:
        errors["questions_per_round"] = "questions per round must be 6 to 10."
    if not 1 <= int(fields.get("open_days", 0)) <= 28:
        errors["open_days"] = "days open must be 1 to 28."
    if not 0 <= int(fields.get("send_weekday", -1)) <= 6:
        errors["send_weekday"] = "weekday must be 0 (Monday) to 6 (Sunday)."
    if not 0 <= int(fields.get("send_hour", -1)) <= 23:
        errors["send_hour"] = "hour must be 0 to 23."
    teams = fields.get("teams") or []
    if not teams:
        errors["teams"] = "Choose at least one team."
    elif any(t.organization_id != organization.pk for t in teams):
        errors["teams"] = "Unknown team."
    if errors:
        raise SurveyError("The schedule was not saved: " + " ".join(errors.values()), errors)


def schedule_sync_beat(*, schedule: PulseSchedule) -> PeriodicTask:
    """Create or update the schedule's PeriodicTask (crontab in the org's time zone)."""
    crontab, _ = CrontabSchedule.objects.get_or_create(
        **crontab_fields(
            cadence=schedule.cadence, weekday=schedule.send_weekday, hour=schedule.send_hour
        ),
        timezone=str(schedule.organization.tz),
    )
    task = schedule.periodic_task
    values = {
        "name": f"pulse schedule {schedule.pk}: {schedule.name}"[:200],
        "task": TASK_RUN_SCHEDULE,
        "crontab": crontab,
        "interval": None,
        "kwargs": json.dumps({"schedule_id": schedule.pk}),
        "enabled": schedule.is_active,
        "description": f"{schedule.get_cadence_display()} pulse for {schedule.organization.name}",
    }
    if task is None:
        task = PeriodicTask.objects.create(**values)
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    else:
        for k, v in values.items():
            setattr(task, k, v)
        task.save()
    return task


FIELDS = (
    "name",
    "cadence",
    "questions_per_round",
    "open_days",
    "send_weekday",
    "send_hour",
    "is_active",
)


@transaction.atomic
def schedule_create(
    *, organization: Organization, actor: Any, teams: list[Team], **fields: Any
) -> PulseSchedule:
    fields.setdefault("is_active", True)
    fields.setdefault("send_weekday", 0)
    fields.setdefault("send_hour", 9)
    _validate({**fields, "teams": teams}, organization)
    schedule = PulseSchedule.objects.create(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: fields[k] for k in FIELDS if k in fields},
    )
    schedule.teams.set(teams)
    schedule_sync_beat(schedule=schedule)
    audit_record(
        organization=organization,
        actor=actor,
        action="surveys.schedule.created",
        obj=schedule,
        changes={**{k: fields.get(k) for k in FIELDS}, "teams": [t.pk for t in teams]},
    )
    return schedule


@transaction.atomic
def schedule_update(
    *, schedule: PulseSchedule, actor: Any, teams: list[Team] | None = None, **fields: Any
) -> PulseSchedule:
    merged = {k: fields.get(k, getattr(schedule, k)) for k in FIELDS}
    teams = list(teams) if teams is not None else list(schedule.teams.all())
    _validate({**merged, "teams": teams}, schedule.organization)
    changes = {k: v for k, v in merged.items() if getattr(schedule, k) != v}
    for k, v in merged.items():
        setattr(schedule, k, v)
    schedule.save()
    schedule.teams.set(teams)
    schedule_sync_beat(schedule=schedule)
    audit_record(
        organization=schedule.organization,
        actor=actor,
        action="surveys.schedule.updated",
        obj=schedule,
        changes={**changes, "teams": [t.pk for t in teams]},
    )
    return schedule


@transaction.atomic
def schedule_delete(*, schedule: PulseSchedule, actor: Any) -> None:
    """Delete the schedule and its beat task; its rounds stay (with schedule = none)."""
    audit_record(
        organization=schedule.organization,
        actor=actor,
        action="surveys.schedule.deleted",
        obj=schedule,
    )
    task = schedule.periodic_task
    schedule.delete()
    if task is not None:
        task.delete()


def schedule_run(*, schedule_id: int, now: dt.datetime | None = None) -> PulseRound | None:
    """The beat entry point: open this schedule's next round unless one opened recently."""
    now = now or timezone.now()
    schedule = PulseSchedule.objects.select_related("organization").filter(pk=schedule_id).first()
    if schedule is None or not schedule.is_active:
        return None
    gap = dt.timedelta(days=MIN_GAP_DAYS[Cadence(schedule.cadence)])
    with transaction.atomic():
        # Lock the schedule row so two deliveries of the same beat message can't both pass.
        PulseSchedule.objects.select_for_update().filter(pk=schedule.pk).first()
        if schedule.rounds.filter(opens_at__gt=now - gap).exists():
            return None
        return round_create(
            organization=schedule.organization,
            teams=list(schedule.teams.all()),
            title=f"{schedule.name} · {now.astimezone(schedule.organization.tz):%d %b %Y}",
            questions=schedule.questions_per_round,
            open_days=schedule.open_days,
            schedule=schedule,
            opens_at=now,
        )
