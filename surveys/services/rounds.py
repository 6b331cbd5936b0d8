"""Pulse rounds: create (with the rotating item subset), open, close (then scoring), the minute tick."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.outbox import task_queue_durable
from core.registry import round_scores_changed
from orgs.models import Organization, Team
from orgs.periods import period_start
from surveys.models import (
    Item,
    PendingResponse,
    PulseRound,
    PulseSchedule,
    RoundItem,
    RoundStatus,
    RubricVersion,
)
from surveys.rotation import rotation_pick
from surveys.selectors import rubric_active, rubric_dimensions
from surveys.services.counts import periods_close_out, round_invitations_reduce
from surveys.services.errors import SurveyError
from surveys.services.reminders import reminders_send
from surveys.services.responses import responses_flush

log = logging.getLogger(__name__)
REDISPATCH_AFTER = dt.timedelta(minutes=10)


def round_pick_items(
    *, rubric: RubricVersion, organization: Organization, questions: int
) -> list[Item]:
    """The round items of the org's next round with this rubric: form r of the rotation.

    Each respondent answers their own form (surveys.selectors_forms); the round items are
    the round's sample form (shown on the round page, counted in the invitation email).
    """
    dims = rubric_dimensions(rubric=rubric)
    bank = [(d.key, [it.key for it in d.items.all()]) for d in dims]
    by_key = {it.key: it for d in dims for it in d.items.all()}
    index = PulseRound.objects.filter(organization=organization, rubric=rubric).count()
    return [by_key[k] for k in rotation_pick(bank, questions=questions, round_index=index)]


def _queue_dispatch(round_id: int) -> None:
    # Saved with the round in one transaction (the outbox), published after the commit: a
    # broker outage or a crash right after the commit delays the invitations, never loses
    # them, and the request that created the round still succeeds (core/outbox.py).
    task_queue_durable("surveys.dispatch_round", round_id)


@transaction.atomic
def round_create(
    *,
    organization: Organization,
    teams: list[Team],
    title: str = "",
    questions: int = 8,
    open_days: int = 5,
    opens_at: dt.datetime | None = None,
    schedule: PulseSchedule | None = None,
    actor: Any = None,
    rubric: RubricVersion | None = None,
) -> PulseRound:
    """Create a round for the teams (and their sub-teams); open now unless opens_at is later."""
    if not teams:
        raise SurveyError("Choose at least one team.", {"teams": "Choose at least one team."})
    if any(t.organization_id != organization.pk for t in teams):
        raise SurveyError("Unknown team.", {"teams": "Unknown team."})
    if not 6 <= questions <= 10:
        raise SurveyError("Questions per round must be 6 to 10.", {"questions": "6 to 10."})
    if not 1 <= open_days <= 28:
        raise SurveyError("A round stays open 1 to 28 days.", {"open_days": "1 to 28 days."})
    now = timezone.now()
    opens_at = opens_at or now
    rubric = rubric or rubric_active(organization=organization)
    items = round_pick_items(rubric=rubric, organization=organization, questions=questions)
    local_day = opens_at.astimezone(organization.tz).date()
    period = period_start(local_day, organization.reporting_period)
    rnd = PulseRound.objects.create(
        organization=organization,
        schedule=schedule,
        rubric=rubric,
        title=title.strip() or f"Pulse {local_day:%d %b %Y}",
        period=period,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=open_days),
        status=RoundStatus.OPEN if opens_at <= now else RoundStatus.SCHEDULED,
        questions=questions,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rnd.teams.set(teams)
    RoundItem.objects.bulk_create(
        [RoundItem(round=rnd, item=it, position=i) for i, it in enumerate(items)]
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="surveys.round.created",
        obj=rnd,
        changes={"teams": [t.pk for t in teams], "items": [it.key for it in items]},
    )
    if rnd.status == RoundStatus.OPEN:
        _queue_dispatch(rnd.pk)
    return rnd


def round_open(*, round_id: int, now: dt.datetime | None = None) -> bool:
    """Open a scheduled round whose time has come (idempotent), then dispatch invitations."""
    now = now or timezone.now()
    with transaction.atomic():
        n = PulseRound.objects.filter(
            pk=round_id, status=RoundStatus.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        ).update(status=RoundStatus.OPEN)
        if n:
            _queue_dispatch(round_id)
    return bool(n)


def _queue_scoring(round_id: int) -> None:
    """Announce that the round's answers changed; scoring (which owns the snapshots) listens."""
    round_scores_changed.announce(round_id)


def round_close(*, round_id: int, now: dt.datetime | None = None, actor: Any = None) -> bool:
    """Close the round (idempotent: only the first call changes anything), then queue scoring."""
    now = now or timezone.now()
    with transaction.atomic():
        n = PulseRound.objects.filter(
            pk=round_id, status__in=[RoundStatus.OPEN, RoundStatus.SCHEDULED]
        ).update(status=RoundStatus.CLOSED, closed_at=now)
        if n:
            rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
            audit_record(
                organization=rnd.organization,
                actor=actor,
                action="surveys.round.closed",
                obj=rnd,
                changes={},
            )
            # Every answer still buffered goes out in this last batch, whatever its size,
            # before scoring is told the round changed (this transaction claims no token).
            responses_flush(round_id=round_id, now=now)
            _queue_scoring(round_id)
    if n:
        # After the close commits: from now on only counts of who was asked remain.
        round_invitations_reduce(round_id=round_id)
        periods_close_out(organization=rnd.organization, now=now)
    return bool(n)


def rounds_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The every-minute beat job: open and close due rounds, send reminders, flush answers.

    "rescored" counts closed rounds queued for scoring because late buffered answers were
    written to them; open rounds are never scored.
    """
    now = now or timezone.now()
    opened = sum(
        round_open(round_id=pk, now=now)
        for pk in PulseRound.objects.filter(
            status=RoundStatus.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        ).values_list("pk", flat=True)
    )
    closed = sum(
        round_close(round_id=pk, now=now)
        for pk in PulseRound.objects.filter(
            status__in=[RoundStatus.OPEN, RoundStatus.SCHEDULED], closes_at__lte=now
        ).values_list("pk", flat=True)
    )
    # Safety net: an open round whose dispatch never finished (message lost, retries
    # exhausted) is dispatched again; dispatch is idempotent, so this never double-sends.
    stale = PulseRound.objects.filter(
        status=RoundStatus.OPEN,
        dispatch_finished_at__isnull=True,
        opens_at__lte=now - REDISPATCH_AFTER,
        closes_at__gt=now,
    ).values_list("pk", flat=True)
    redispatched = 0
    for pk in stale:
        _queue_dispatch(pk)
        redispatched += 1
    reminded = sum(
        reminders_send(round_id=pk, now=now)
        for pk in PulseRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True)
    )
    # Open rounds are never rescored: results come from closed rounds only, released at the
    # close (a rescore per answer would let a reader difference one person's answers out).
    # Buffered answers: groups that reached k, and whatever a closed round still holds (an
    # answer that raced the close); a closed round that got rows is rescored.
    flushed = rescored = 0
    for pk in PendingResponse.objects.values_list("round_id", flat=True).distinct():
        written = len(responses_flush(round_id=pk, now=now))
        flushed += written
        if written and PulseRound.objects.filter(pk=pk, status=RoundStatus.CLOSED).exists():
            _queue_scoring(pk)
            rescored += 1
    # A period whose last round closed before the period ended is closed out here.
    periods_close_out(now=now)
    return {
        "opened": opened,
        "closed": closed,
        "redispatched": redispatched,
        "reminded": reminded,
        "rescored": rescored,
        "flushed": flushed,
    }
