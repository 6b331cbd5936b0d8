"""Celery tasks of handoffs: thin, id-only wrappers around the services (idempotent)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.tasks import task
from handoffs.checkins import (
    handoff_checkin_send,
    handoff_checkins_announce,
    handoff_checkins_create_due,
)
from handoffs.closing import handoff_release_due
from handoffs.flush import handoff_answers_flush, handoff_windows_close
from handoffs.models import HandoffRelease
from handoffs.releases import handoff_pairs_publish
from handoffs.services import handoffs_from_history
from orgs.models import Organization


@task(name="handoffs.dispatch_checkins")
def dispatch_checkins_task() -> int:
    """Beat (hourly): close old windows, create due check-ins of every org, queue their emails,
    flush answers and release the pair figures (checked against the ledger)."""
    queued = 0
    for org in Organization.objects.all().order_by("pk"):
        closed = handoff_windows_close(org=org)
        with transaction.atomic():
            ids = handoff_checkins_create_due(org=org)
            for pk in ids:
                send_checkin_task.delay_on_commit(pk)
        flushed = handoff_answers_flush(org=org)
        # A release when answers arrived or windows closed, a period closed by time alone,
        # or there is none yet: only then can a period close (handoffs/closing.py), and it
        # reads the execution history (not free hourly).
        last = (
            HandoffRelease.objects.filter(organization=org)
            .values_list("released_at", flat=True)
            .first()
        )
        if (
            closed
            or flushed
            or last is None
            or handoff_release_due(org=org, released_at=last, now=timezone.now())
        ):
            handoff_pairs_publish(org=org)
        queued += len(ids)
    handoff_checkins_announce(count=queued)  # one shared-channel line, never a link
    return queued


@task(name="handoffs.send_checkin")
def send_checkin_task(checkin_id: int) -> bool:
    """Send one check-in; does nothing if it was already sent (core.links claim-and-send)."""
    return handoff_checkin_send(checkin_id=checkin_id)


@task(name="handoffs.flush_answers")
def flush_answers_task(org_id: int) -> int:
    """After each answer: write the org's buffered groups that reached k (shuffled)."""
    org = Organization.objects.filter(pk=org_id).first()
    return handoff_answers_flush(org=org) if org is not None else 0


@task(name="handoffs.scan_history")
def scan_history_task(org_id: int) -> int:
    """After an execution import: store the handoffs of the org's work-item history and
    release the figures again (the history's counts and waits are part of the release)."""
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        return 0
    created = handoffs_from_history(org=org).created
    handoff_pairs_publish(org=org)
    return created
