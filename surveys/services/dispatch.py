"""Invitation dispatch: create one invitation per person, then send each exactly once.

Crash-safe and idempotent (acks_late may run a dispatch twice, a worker may die halfway):
1. Invitation rows are created first, in one transaction (unique round+person, so a re-run
   adds only people still missing);
2. each unsent invitation is then claimed, sent and stamped by `PULSE_LINK.send_all`
   (core/links.py: one transaction per invitation, a second dispatcher finds it sent; a
   crash or mail error leaves it unsent for the re-run, which sends the same derived link).
A refused address stays unsent and the others go on; any other mail error stops the run
and is raised, so the task retries and the minute tick re-dispatches.
A task run sends for at most `budget` seconds, then queues the rest as a new run: every run
stays far below the broker's visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT), so a
killed worker's run is handed to another worker within that timeout, never a running one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from core import emails
from core.links import SendReport
from core.notify import slack_post
from core.outbox import task_queue_durable
from core.text import count_text
from orgs.ledger import participation_scope, tree_freeze
from surveys.links import PULSE_LINK
from surveys.models import Invitation, PulseRound, RoundStatus
from surveys.selectors import audience_people

Progress = Callable[[str], None]
# How long one dispatch task run sends before it queues the rest (a tenth of the time limit
# would do; invitations go in chunks, the budget is checked between chunks).
DISPATCH_BUDGET_SECONDS = 10.0
CHUNK = 25


@dataclass
class DispatchResult:
    created: int = 0
    sent: int = 0
    already_sent: int = 0
    continued: bool = False  # the budget ran out: the rest was queued as a new run


def invitation_link(invitation: Invitation) -> str:
    """The personal survey link (rebuilt from the nonce; the raw token is never stored)."""
    return PULSE_LINK.url(invitation)


def invitations_create(*, round: PulseRound) -> int:
    """Create the missing invitations of the round's audience (idempotent); returns how many."""
    people = audience_people(
        organization=round.organization, team_ids=list(round.teams.values_list("id", flat=True))
    ).values_list("id", "team_id")
    have = set(round.invitations.values_list("person_id", flat=True))
    new = [
        PULSE_LINK.issue(
            Invitation(
                organization_id=round.organization_id,
                round=round,
                person_id=person_id,
                team_id=team_id,
            )
        )
        for person_id, team_id in people
        if person_id not in have
    ]
    # ignore_conflicts: a concurrent dispatcher may have created some of them meanwhile.
    with transaction.atomic():
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
        # Participation is decided on the tree of the dispatch (orgs.ledger.tree_freeze).
        tree_freeze(org=round.organization, scope=participation_scope(round.pk))
    return len(new)


def _closes_label(rnd: PulseRound) -> str:
    return emails.local_time_label(rnd.closes_at, rnd.organization.tz)


def invitation_email_context(*, invitation: Invitation) -> dict[str, Any]:
    """What the pulse invitation and reminder emails (templates/emails/pulse-*) show."""
    rnd = invitation.round
    return {
        "first_name": emails.first_name(invitation.person.name),
        "title": rnd.title,
        "organization": rnd.organization.name,
        "n": rnd.round_items.count(),
        "link": invitation_link(invitation),
        "closes": _closes_label(rnd),
    }


def _invitation_send(inv: Invitation) -> None:
    emails.pulse_invitation(to=inv.person.email, ctx=invitation_email_context(invitation=inv))


def invitation_send_one(*, invitation_id: int) -> bool:
    """Send one invitation unless already sent; True if this call sent it."""
    return PULSE_LINK.send_once(
        pk=invitation_id,
        send=_invitation_send,
        queryset=Invitation.objects.select_related("person", "round", "round__organization"),
    )


def round_dispatch(
    *, round_id: int, progress: Progress | None = None, budget: float | None = None
) -> DispatchResult:
    """Create and send the round's invitations; safe to run any number of times.

    With a `budget` (seconds; the task passes DISPATCH_BUDGET_SECONDS) the run stops once it
    is spent and queues a new run for the invitations still unsent.
    """
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
    say(f"Round {rnd.pk} '{rnd.title}': {count_text(total, 'invitation')}, {len(pending)} to send.")
    deadline = None if budget is None else time.monotonic() + budget
    report = SendReport()
    for start in range(0, len(pending), CHUNK):
        # Checked after a chunk, never before the first: every run makes progress.
        if deadline is not None and start and time.monotonic() > deadline:
            # Another run (any worker) sends the rest; queued with this run's outcome.
            task_queue_durable("surveys.dispatch_round", rnd.pk)
            result.continued = True
            break
        part = PULSE_LINK.send_all(
            ids=pending[start : start + CHUNK],
            send=_invitation_send,
            queryset=Invitation.objects.select_related("person", "round", "round__organization"),
        )
        report.sent += part.sent
        report.refused += part.refused
        done = min(start + CHUNK, len(pending))
        say(f"  sent {done}/{len(pending)}")
        if part.error is not None:
            report.error = part.error
            break
    result.sent = report.sent
    if report.refused:
        # Permanent per-address failures: not retried every minute by the tick; fix the
        # address and run `dispatch_round ROUND_ID` again to send just those.
        say(
            f"{count_text(len(report.refused), 'address', 'addresses')} refused by the mail "
            "server and left unsent."
        )
    if report.error is not None:
        # Not finished: the task retries, the minute tick re-dispatches.
        raise report.error
    if result.continued:
        say(f"Paused after {result.sent} (time budget); the rest is queued.")
        return result
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
