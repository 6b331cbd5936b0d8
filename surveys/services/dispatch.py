"""Invitation dispatch: create one invitation per person, then send each exactly once.

Crash-safe and idempotent (acks_late may run a dispatch twice, a worker may die halfway):
1. Invitation rows are created first, in one transaction (unique round+person, so a re-run
   adds only people still missing);
2. each unsent invitation is then sent in its own small transaction that locks the row
   (SELECT ... FOR UPDATE on PostgreSQL, SQLite's IMMEDIATE write lock), re-checks
   sent_at, sends, and stamps sent_at. A second dispatcher waits for the lock and then sees
   sent_at set; a crash before commit leaves sent_at empty, so the re-run sends it.
The only window left is a crash after the mail server accepted a message and before the
commit: that one message may go out twice (at-least-once for one person), never missed.
The link token is derived (surveys/tokens.py), so a re-send carries the same link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.models import Invitation, PulseRound, RoundStatus
from surveys.selectors import audience_people
from surveys.services.notify import email_send, slack_post
from surveys.tokens import invitation_token, nonce_new, token_hash

Progress = Callable[[str], None]


@dataclass
class DispatchResult:
    created: int = 0
    sent: int = 0
    already_sent: int = 0


def invitation_link(invitation: Invitation) -> str:
    """The personal survey link (rebuilt from the nonce; the raw token is never stored)."""
    raw = invitation_token(
        round_id=invitation.round_id, person_id=invitation.person_id, nonce=invitation.nonce
    )
    return f"{settings.SITE_URL}/s/{raw}/"


def invitations_create(*, round: PulseRound) -> int:
    """Create the missing invitations of the round's audience (idempotent); returns how many."""
    people = audience_people(
        organization=round.organization, team_ids=list(round.teams.values_list("id", flat=True))
    ).values_list("id", "team_id")
    have = set(round.invitations.values_list("person_id", flat=True))
    new = []
    for person_id, team_id in people:
        if person_id in have:
            continue
        nonce = nonce_new()
        raw = invitation_token(round_id=round.pk, person_id=person_id, nonce=nonce)
        new.append(
            Invitation(
                organization_id=round.organization_id,
                round=round,
                person_id=person_id,
                team_id=team_id,
                nonce=nonce,
                token_hash=token_hash(raw),
            )
        )
    # ignore_conflicts: a concurrent dispatcher may have created some of them meanwhile.
    with transaction.atomic():
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _closes_label(rnd: PulseRound) -> str:
    try:
        tz = ZoneInfo(rnd.organization.time_zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return rnd.closes_at.astimezone(tz).strftime("%A %d %B, %H:%M")


def invitation_message(*, invitation: Invitation, reminder: bool = False) -> tuple[str, str]:
    """(subject, body) of an invitation or reminder email."""
    rnd = invitation.round
    n = rnd.round_items.count()
    subject = ("Reminder: " if reminder else "") + f"{rnd.title}: {n} quick questions"
    body = (
        f"Hello {invitation.person.name.split(' ')[0]},\n\n"
        f"{'A friendly reminder: ' if reminder else ''}"
        f"{rnd.organization.name} asks you {n} short questions about how work moves in your "
        "team. It takes about two minutes.\n\n"
        f"{invitation_link(invitation)}\n\n"
        "Your answers are anonymous: they are stored without your name, email or this link, "
        "and results are shown only for groups large enough that nobody can be singled out.\n"
        f"The link works once, until {_closes_label(rnd)}.\n"
    )
    return subject, body


def invitation_send_one(*, invitation_id: int, now: dt.datetime | None = None) -> bool:
    """Send one invitation unless already sent; True if this call sent it."""
    with transaction.atomic():
        inv = (
            Invitation.objects.select_for_update()
            .select_related("person", "round", "round__organization")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if inv is None:
            return False
        subject, body = invitation_message(invitation=inv)
        email_send(to=inv.person.email, subject=subject, body=body)
        Invitation.objects.filter(pk=inv.pk).update(sent_at=now or timezone.now())
    return True


def round_dispatch(*, round_id: int, progress: Progress | None = None) -> DispatchResult:
    """Create and send the round's invitations; safe to run any number of times."""
    say = progress or (lambda _msg: None)
    result = DispatchResult()
    rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
    if rnd.status != RoundStatus.OPEN:
        say(f"Round {rnd.pk} is {rnd.status}; nothing to send.")
        return result
    result.created = invitations_create(round=rnd)
    pending = list(
        rnd.invitations.filter(sent_at__isnull=True).order_by("id").values_list("id", flat=True)
    )
    total = rnd.invitations.count()
    result.already_sent = total - len(pending)
    say(f"Round {rnd.pk} '{rnd.title}': {total} invitations, {len(pending)} to send.")
    for i, inv_id in enumerate(pending, start=1):
        if invitation_send_one(invitation_id=inv_id):
            result.sent += 1
        if i % 25 == 0 or i == len(pending):
            say(f"  sent {i}/{len(pending)}")
    # The first dispatcher to finish announces the round on Slack (once per round).
    first = PulseRound.objects.filter(pk=rnd.pk, dispatch_finished_at__isnull=True).update(
        dispatch_finished_at=timezone.now()
    )
    if first:
        slack_post(
            text=f"{rnd.title} is open until {_closes_label(rnd)}: check your email for your "
            "personal, anonymous 2-minute survey link."
        )
    say(f"Done: {result.sent} sent now, {result.already_sent} had been sent before.")
    return result
