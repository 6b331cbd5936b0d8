"""Reminders to people who have not answered: about half-time, then every few days, weekdays only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from surveys.models import Invitation, PulseRound, RoundStatus
from surveys.services.dispatch import invitation_message
from surveys.services.notify import email_send
from surveys.services.rounds import org_tz

REMINDER_MAX = 2
REMINDER_GAP = dt.timedelta(days=2)
# Local hours in which reminders may go out (nobody gets a survey nudge at 3 a.m.).
REMINDER_HOURS = range(8, 19)


def reminder_due(
    *,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    now: dt.datetime,
    last_reminded_at: dt.datetime | None,
    reminder_count: int,
    tz: ZoneInfo,
) -> bool:
    """Whether a non-responder should get a reminder now (pure)."""
    local = now.astimezone(tz)
    if local.weekday() >= 5 or local.hour not in REMINDER_HOURS:
        return False
    if not opens_at <= now < closes_at or reminder_count >= REMINDER_MAX:
        return False
    if now < opens_at + (closes_at - opens_at) / 2:
        return False
    return last_reminded_at is None or now - last_reminded_at >= REMINDER_GAP


def reminders_send(*, round_id: int, now: dt.datetime | None = None) -> int:
    """Remind the round's non-responders who are due; returns how many were reminded."""
    now = now or timezone.now()
    rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
    if rnd.status != RoundStatus.OPEN:
        return 0
    tz = org_tz(rnd.organization)
    candidates = rnd.invitations.filter(
        used=False, sent_at__isnull=False, reminder_count__lt=REMINDER_MAX
    ).values_list("id", "last_reminded_at", "reminder_count")
    sent = 0
    for inv_id, last, count in candidates:
        if not reminder_due(
            opens_at=rnd.opens_at,
            closes_at=rnd.closes_at,
            now=now,
            last_reminded_at=last,
            reminder_count=count,
            tz=tz,
        ):
            continue
        with transaction.atomic():
            # Claim it: only if still unused and nobody reminded it meanwhile.
            claimed = Invitation.objects.filter(pk=inv_id, used=False, reminder_count=count).update(
                reminder_count=F("reminder_count") + 1, last_reminded_at=now
            )
            if not claimed:
                continue
            inv = Invitation.objects.select_related("person", "round", "round__organization").get(
                pk=inv_id
            )
            subject, body = invitation_message(invitation=inv, reminder=True)
            email_send(to=inv.person.email, subject=subject, body=body)
        sent += 1
    return sent
