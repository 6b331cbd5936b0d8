"""Reminders to people who have not answered: about half-time, then every few days, weekdays only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from core import emails
from core.audit import audit_record
from core.links import send_each
from core.tasks import task_queue_on_commit
from surveys.links import PULSE_LINK
from surveys.models import Invitation, PulseRound, RoundStatus
from surveys.services.dispatch import invitation_email_context

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
    manual: bool = False,
) -> bool:
    """Whether a non-responder should get a reminder now (pure).

    `manual`: someone pressed "send reminders now", so the clock rules of the automatic
    reminders (weekday hours, not before half-time) do not apply; the cap and the gap do.
    """
    local = now.astimezone(tz)
    if not manual and (local.weekday() >= 5 or local.hour not in REMINDER_HOURS):
        return False
    if not opens_at <= now < closes_at or reminder_count >= REMINDER_MAX:
        return False
    if not manual and now < opens_at + (closes_at - opens_at) / 2:
        return False
    return last_reminded_at is None or now - last_reminded_at >= REMINDER_GAP


def reminders_send(*, round_id: int, now: dt.datetime | None = None, manual: bool = False) -> int:
    """Remind the round's non-responders who are due; returns how many were reminded.

    Same sending policy as the invitations (core/links.py): a refused address is skipped,
    any other mail error stops the run and is raised (the next tick retries).
    """
    now = now or timezone.now()
    rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
    if rnd.status != RoundStatus.OPEN:
        return 0
    tz = rnd.organization.tz
    candidates = rnd.invitations.filter(
        used=False, sent_at__isnull=False, reminder_count__lt=REMINDER_MAX
    ).values_list("id", "last_reminded_at", "reminder_count")
    count_of = {
        inv_id: count
        for inv_id, last, count in candidates
        if reminder_due(
            opens_at=rnd.opens_at,
            closes_at=rnd.closes_at,
            now=now,
            last_reminded_at=last,
            reminder_count=count,
            tz=tz,
            manual=manual,
        )
    }

    def remind(inv: Invitation) -> None:
        emails.pulse_reminder(to=inv.person.email, ctx=invitation_email_context(invitation=inv))

    def remind_once(inv_id: int) -> bool:
        # Claimed only if still unused and nobody reminded it meanwhile.
        return PULSE_LINK.send_once(
            pk=inv_id,
            send=remind,
            queryset=Invitation.objects.select_related("person", "round", "round__organization"),
            pending={"used": False, "reminder_count": count_of[inv_id]},
            claim={"reminder_count": F("reminder_count") + 1, "last_reminded_at": now},
        )

    report = send_each(ids=sorted(count_of), send_one=remind_once)
    if report.error is not None:
        raise report.error
    return report.sent


def reminders_request(*, round_id: int, actor: Any) -> None:
    """ "Send reminders now" on an open round: audited, sent by a task after commit (the same
    cap and gap as the automatic reminders, so pressing twice reminds nobody twice)."""
    rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
    audit_record(
        organization=rnd.organization, actor=actor, action="surveys.round.reminded", obj=rnd
    )
    task_queue_on_commit("surveys.send_reminders_now", rnd.pk)
