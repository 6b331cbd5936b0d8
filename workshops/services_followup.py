"""Follow-up of commitments: the owner's reminder before the due date, the team's one-time
"did this happen?" links after it (core/links.py), the answers, and marking silence as waiting.

Who is asked: the owner (whose answer sets the commitment's status) and the active people
of the workshop's team and its sub-teams (whose answers are anonymous, shown from k on).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import emails
from core.errors import DomainError, Gone, NotFound
from core.links import USED_STATUS, LinkKind
from core.tasks import task_queue_on_commit
from orgs.models import Organization, Person
from orgs.tenancy import descendant_ids
from workshops.followup_flush import ANSWER_DAYS, followup_answers_flush
from workshops.models_commitments import (
    REMIND_DAYS_BEFORE,
    STATUS_OF_ANSWER,
    WAITING_AFTER_DAYS,
    Commitment,
    CommitmentStatus,
    FollowUpAnswerChoice,
    FollowUpLink,
    PendingFollowUpAnswer,
)
from workshops.releases import followthrough_publish
from workshops.selectors_followthrough import org_today
from workshops.services import commitment_status_set

log = logging.getLogger(__name__)

USED_ANSWER = "This question has already been answered. Thank you!"

# The link /workshops/f/#<token>; a token identifies (commitment, person).
FOLLOWUP_LINK: LinkKind[FollowUpLink] = LinkKind(
    namespace="commitment",
    model=FollowUpLink,
    view="workshops:followup_open",
    parts=lambda link: (link.commitment_id, link.person_id),
)


# --- the owner's reminder -----------------------------------------------------------------


def reminders_due(*, org: Organization, now: dt.datetime | None = None) -> list[int]:
    """Open commitments due within REMIND_DAYS_BEFORE days whose owner was not reminded."""
    today = org_today(org, now)
    return list(
        Commitment.objects.filter(
            organization=org,
            status=CommitmentStatus.OPEN,
            reminded_at__isnull=True,
            owner__isnull=False,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        ).values_list("pk", flat=True)
    )


def commitment_remind(*, commitment_id: int, now: dt.datetime | None = None) -> bool:
    """Email the owner once (claim, send, commit: core.links' send-once pattern)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Commitment.objects.filter(
            pk=commitment_id, reminded_at__isnull=True, owner__isnull=False
        ).update(reminded_at=now)
        if not claimed:
            return False
        c = Commitment.objects.select_related("owner", "workshop").get(pk=commitment_id)
        assert c.owner is not None
        emails.workshop_commitment_reminder(
            to=c.owner.email,
            ctx={
                "name": c.owner.name,
                "what": c.what,
                "due_on": f"{c.due_on:%A %d %B %Y}",
                "workshop": c.workshop.title,
            },
        )
    return True


# --- "did this happen?" --------------------------------------------------------------------


def followups_create_due(*, org: Organization, now: dt.datetime | None = None) -> list[int]:
    """Create the links of every commitment past its due date that was not asked about yet
    (owner + active people of the workshop's team tree); return the unsent link ids.

    Idempotent: `asked_at` is claimed by a conditional UPDATE, and the unique (commitment,
    person) constraint with ignore_conflicts keeps a second run from adding rows.
    """
    now = now or timezone.now()
    today = org_today(org, now)
    due = Commitment.objects.filter(
        organization=org,
        asked_at__isnull=True,
        due_on__lt=today,
        status__in=[CommitmentStatus.OPEN, CommitmentStatus.WAITING],
    ).select_related("workshop")
    for c in due:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=c.pk, asked_at__isnull=True).update(asked_at=now):
                continue
            teams = descendant_ids(org.pk, [c.workshop.team_id])
            people = set(
                Person.objects.filter(
                    organization=org, team_id__in=teams, is_active=True
                ).values_list("pk", flat=True)
            )
            if c.owner_id is not None:
                people.add(c.owner_id)
            FollowUpLink.objects.bulk_create(
                [
                    FOLLOWUP_LINK.issue(
                        FollowUpLink(
                            organization=org,
                            commitment=c,
                            person_id=pid,
                            is_owner=pid == c.owner_id,
                        )
                    )
                    for pid in sorted(people)
                ],
                ignore_conflicts=True,
            )
    return list(
        FollowUpLink.objects.filter(organization=org, sent_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def _followup_email(link: FollowUpLink) -> None:
    c = link.commitment
    emails.workshop_followup(
        to=link.person.email,
        ctx={
            "name": link.person.name,
            "what": c.what,
            "owner": c.owner.name if c.owner else "nobody any more",
            "is_owner": link.is_owner,
            "due_on": f"{c.due_on:%d %B %Y}",
            "workshop": c.workshop.title,
            "link": FOLLOWUP_LINK.url(link),
            "answer_days": ANSWER_DAYS,
        },
    )


_WITH_COMMITMENT = FollowUpLink.objects.select_related(
    "commitment", "commitment__owner", "commitment__workshop", "person"
)


def followups_send(*, link_ids: list[int]) -> tuple[int, int]:
    """Send each link once (core.links policy); returns (sent now, not sent)."""
    report = FOLLOWUP_LINK.send_all(ids=link_ids, send=_followup_email, queryset=_WITH_COMMITMENT)
    if report.error is not None:
        log.error("follow-up sending stopped, %d left: %r", report.left, report.error)
    return report.sent, report.unsent


def commitments_mark_waiting(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Open commitments whose owner said nothing WAITING_AFTER_DAYS after the due date."""
    today = org_today(org, now)
    ids = list(
        Commitment.objects.filter(
            organization=org,
            status=CommitmentStatus.OPEN,
            due_on__lt=today - dt.timedelta(days=WAITING_AFTER_DAYS - 1),
        ).values_list("pk", flat=True)
    )
    for c in Commitment.objects.filter(pk__in=ids).select_related("workshop__organization"):
        commitment_status_set(commitment=c, actor=None, status=CommitmentStatus.WAITING, now=now)
    return len(ids)


def follow_up_org(*, org: Organization, now: dt.datetime | None = None) -> dict[str, int]:
    """One hourly pass for an org: reminders, new questions, sending, waiting, the buffered
    team answers whose window closed, and a new release of the follow-through figures."""
    flushed = followup_answers_flush(org_id=org.pk, now=now)
    reminded = sum(
        commitment_remind(commitment_id=pk, now=now) for pk in reminders_due(org=org, now=now)
    )
    sent, unsent = followups_send(link_ids=followups_create_due(org=org, now=now))
    waiting = commitments_mark_waiting(org=org, now=now)
    released = followthrough_publish(org=org, now=now)
    return {
        "reminded": reminded,
        "sent": sent,
        "unsent": unsent,
        "waiting": waiting,
        "flushed": flushed,
        "released": released,
    }


# --- answering -----------------------------------------------------------------------------


class FollowUpError(DomainError):
    """A "did this happen?" link that can't be answered (core error family: own status)."""


class FollowUpUnknown(FollowUpError, NotFound):
    code = "unknown"
    default_message = "This link is not valid. Paste the whole link from the email, or its code."


class FollowUpUsed(FollowUpError, Gone):
    code = "used"
    status = USED_STATUS.value
    default_message = USED_ANSWER


class FollowUpExpired(FollowUpError, Gone):
    code = "expired"
    default_message = f"This question has expired (links work for {ANSWER_DAYS} days)."


@dataclass(frozen=True)
class FollowUpContext:
    link: FollowUpLink
    commitment: Commitment


def followup_lookup(*, raw_token: str, now: dt.datetime | None = None) -> FollowUpContext:
    link = FOLLOWUP_LINK.find(raw_token, _WITH_COMMITMENT)
    if link is None or link.sent_at is None:
        raise FollowUpUnknown()
    if link.used:
        raise FollowUpUsed()
    if (now or timezone.now()) > link.sent_at + dt.timedelta(days=ANSWER_DAYS):
        raise FollowUpExpired()
    return FollowUpContext(link=link, commitment=link.commitment)


def followup_answer(
    *, raw_token: str, answer: str, now: dt.datetime | None = None
) -> FollowUpContext:
    """Spend the link and store the answer in one transaction; exactly one answer per link.

    The owner's answer sets the commitment's status; anyone else's is buffered anonymously
    (PendingFollowUpAnswer: no person, no link, the day only) and reaches FollowUpAnswer in a
    shuffled batch of at least k written by another transaction (workshops/followup_flush.py).
    Bad answer: ValidationError, nothing stored.
    """
    now = now or timezone.now()
    ctx = followup_lookup(raw_token=raw_token, now=now)
    if answer not in FollowUpAnswerChoice.values:
        raise ValidationError(
            {"answer": "Choose one of the answers: done, partly, not yet or dropped."}
        )
    link, c = ctx.link, ctx.commitment
    with transaction.atomic():
        if not FOLLOWUP_LINK.spend(pk=link.pk):
            raise FollowUpUsed()
        if link.is_owner:
            c = Commitment.objects.select_related("workshop__organization").get(pk=c.pk)
            commitment_status_set(
                commitment=c,
                actor=None,
                status=STATUS_OF_ANSWER[FollowUpAnswerChoice(answer)],
                now=now,
            )
        else:
            PendingFollowUpAnswer.objects.create(
                organization_id=link.organization_id,
                commitment_id=c.pk,
                answer=answer,
                answered_on=org_today(c.organization, now),
            )
            # Its own transaction, after this one commits: never the claim's transaction id.
            task_queue_on_commit("workshops.flush_followup_answers", c.pk)
    return ctx
