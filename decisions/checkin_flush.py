"""Check-in answers leave their buffer in shuffled batches of at least k (or at window close).

`checkin_submit` (decisions/checkins.py) spends the link and buffers the answer in one
transaction; `checkins_flush` moves buffered answers into CheckInResponse in another, which
touches no invitation, so a transaction id or a row position of a CheckInResponse points at
a batch, never at one claim (docs/privacy.md, "Against a database reader").
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.batches import batch_ready
from core.tasks import task_queue_on_commit
from decisions.checkins import CHECKIN_ANSWER_DAYS
from decisions.models import CheckInInvitation, CheckInResponse, PendingCheckIn
from orgs.models import Organization


def checkin_window_open(*, decision_id: int, offset_days: int, now: dt.datetime) -> bool:
    """Can an answer still arrive for this check-in (decision, offset)? An unused link that
    was sent (or created, if not sent yet) less than CHECKIN_ANSWER_DAYS ago keeps it open."""
    since = now - dt.timedelta(days=CHECKIN_ANSWER_DAYS)
    return (
        CheckInInvitation.objects.filter(
            decision_id=decision_id, offset_days=offset_days, used=False
        )
        .filter(Q(sent_at__gt=since) | Q(sent_at__isnull=True, created_at__gt=since))
        .exists()
    )


def _group_key(row: PendingCheckIn) -> tuple[Any, ...]:
    """Everything a CheckInResponse shows that could point at its author, besides the answer.
    The day is kept exact (the decision lag is counted in days), so it is part of the group."""
    return (
        row.decision_id,
        row.offset_days,
        row.team_id,
        row.period,
        row.answered_on,
        row.decision_status_at_answer,
    )


def checkins_flush(
    *,
    decision_id: int | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
) -> list[CheckInResponse]:
    """Move buffered check-in answers into CheckInResponse in a shuffled batch.

    A group (decision, offset, team, period, day, status) is written when it holds at least
    the org's k answers, or its check-in window has closed (`checkin_window_open`), or
    `force`. Rows go in random order under new random ids, in a transaction that touches no
    invitation (the windows are looked up before it starts), and leave the buffer in it.
    """
    now = now or timezone.now()
    scopes = PendingCheckIn.objects.order_by()
    if decision_id is not None:
        scopes = scopes.filter(decision_id=decision_id)
    closed = {
        (d, o)
        for d, o in scopes.values_list("decision_id", "offset_days").distinct()
        if not checkin_window_open(decision_id=d, offset_days=o, now=now)
    }
    with transaction.atomic():
        rows = list(scopes.select_for_update(of=("self",)))
        orgs = Organization.objects.in_bulk({r.organization_id for r in rows})
        # Grouping, the k rule and the shuffle are core's (core/batches.py), as for handoffs
        # and workshop follow-ups.
        batch = batch_ready(
            rows,
            key=_group_key,
            k=lambda r: orgs[r.organization_id].k,
            release=lambda key: (key[0], key[1]) in closed,  # type: ignore[index]
            force=force,
            rng=rng,
        )
        if not batch:
            return []
        created = [
            CheckInResponse(
                id=uuid.uuid4(),  # never the buffer row's id
                organization_id=row.organization_id,
                decision_id=row.decision_id,
                team_id=row.team_id,
                period=row.period,
                answered_on=row.answered_on,
                offset_days=row.offset_days,
                holding=row.holding,
                acted=row.acted,
                rediscussed=row.rediscussed,
                comment=row.comment,
                decision_status_at_answer=row.decision_status_at_answer,
            )
            for row in batch
        ]
        CheckInResponse.objects.bulk_create(created)
        PendingCheckIn.objects.filter(pk__in=[r.pk for r in batch]).delete()
        for org_id in sorted({r.organization_id for r in batch}):
            _queue_recompute(org_id)
    return created


def checkins_flush_all(*, now: dt.datetime | None = None) -> int:
    """`checkins_flush` for every decision with answers waiting (hourly); rows written."""
    ids = sorted(set(PendingCheckIn.objects.values_list("decision_id", flat=True).distinct()))
    return sum(len(checkins_flush(decision_id=d, now=now)) for d in ids)


def _queue_recompute(org_id: int) -> None:
    # After the commit, and a short delay batches the answers of a busy hour into few recomputes.
    task_queue_on_commit("decisions.recompute_decision_metrics", org_id, countdown=30)
