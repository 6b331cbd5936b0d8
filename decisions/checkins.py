"""Check-in services: find due check-ins, send each invitation once, accept one answer per link.

Stakeholders of a decision = its explicit stakeholders + the active people of its affected
teams and their sub-teams, evaluated when the check-in falls due (people who joined since
are asked, people who left are not). The owner is not added automatically.

A check-in is due on decided_on + offset (org time zone) and is created only within
CHECKIN_GRACE_DAYS of that day, so logging an old decision doesn't send stale check-ins.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import emails
from core.errors import DomainError, Gone, NotFound
from core.links import USED_STATUS, LinkKind, link_hash
from core.tasks import task_queue_on_commit
from decisions.models import (
    CLOSED_STATUSES,
    Acted,
    CheckInInvitation,
    ClosedCheckInLink,
    Decision,
    DecisionStatus,
    PendingCheckIn,
    Rediscussed,
)
from orgs.models import Organization, Person
from orgs.periods import period_start
from orgs.tenancy import descendant_ids

log = logging.getLogger(__name__)

CHECKIN_GRACE_DAYS = 7
# A link can be answered for this many days after it was sent.
CHECKIN_ANSWER_DAYS = 21
USED_ANSWER = "This check-in has already been answered. Thank you!"


def org_offsets(org: Organization) -> list[int]:
    """The org's check-in offsets, cleaned: positive whole days, sorted, no duplicates."""
    raw = org.checkin_offsets_days or [7, 30]
    out = sorted({int(x) for x in raw if isinstance(x, int | float) and int(x) > 0})
    return out or [7, 30]


def checkin_window_period(*, decided_on: dt.date, offset_days: int, kind: str) -> dt.date:
    """The reporting period a check-in window belongs to: the period of its due day
    (decided_on + offset), whatever day it is answered on. Invitations and answers agree on
    it without linking, so the people of a team × period are counted from the invitations
    (docs/privacy.md, "k counts people: the counting side")."""
    return period_start(decided_on + dt.timedelta(days=int(offset_days)), kind)


# The check-in link /decisions/c/#<token>; a token identifies (decision, offset, person).
CHECKIN_LINK: LinkKind[CheckInInvitation] = LinkKind(
    namespace="checkin",
    model=CheckInInvitation,
    view="decisions:checkin_open",
    parts=lambda inv: (inv.decision_id, inv.offset_days, inv.person_id),
)


def checkin_invitation_new(
    *, org_id: int, decision_id: int, offset_days: int, person_id: int, team_id: int | None
) -> CheckInInvitation:
    """An unsaved invitation with its nonce and token hash filled in."""
    return CHECKIN_LINK.issue(
        CheckInInvitation(
            organization_id=org_id,
            decision_id=decision_id,
            offset_days=offset_days,
            person_id=person_id,
            team_id=team_id,
        )
    )


def decision_stakeholder_ids(*, decision: Decision) -> set[int]:
    """Active people asked about `decision` (explicit stakeholders + affected teams' people)."""
    ids = set(decision.stakeholders.filter(is_active=True).values_list("pk", flat=True))
    roots = list(decision.affected_teams.values_list("pk", flat=True))
    if roots:
        teams = descendant_ids(decision.organization_id, roots)
        ids |= set(
            Person.objects.filter(
                organization_id=decision.organization_id, team_id__in=teams, is_active=True
            ).values_list("pk", flat=True)
        )
    return ids


def checkins_create_due(*, org: Organization, now: dt.datetime | None = None) -> list[int]:
    """Create the missing invitations of every due (decision, offset); return unsent ids.

    Idempotent: the unique (decision, offset, person) constraint and ignore_conflicts mean a
    second run (or a second worker) creates nothing new.
    """
    today = timezone.localtime(now or timezone.now(), org.tz).date()
    earliest = today - dt.timedelta(days=CHECKIN_GRACE_DAYS - 1)
    for offset in org_offsets(org):
        decisions = Decision.objects.filter(
            organization=org,
            decided_on__lte=today - dt.timedelta(days=offset),
            decided_on__gte=earliest - dt.timedelta(days=offset),
        ).exclude(status__in=CLOSED_STATUSES)
        for decision in decisions:
            people = decision_stakeholder_ids(decision=decision)
            if not people:
                continue
            team_of = dict(Person.objects.filter(pk__in=people).values_list("pk", "team_id"))
            CheckInInvitation.objects.bulk_create(
                [
                    checkin_invitation_new(
                        org_id=org.pk,
                        decision_id=decision.pk,
                        offset_days=offset,
                        person_id=pid,
                        team_id=team_of.get(pid),
                    )
                    for pid in sorted(people)
                ],
                ignore_conflicts=True,
            )
    return list(
        CheckInInvitation.objects.filter(
            organization=org, sent_at__isnull=True, decision__isnull=False
        )
        .exclude(decision__status__in=CLOSED_STATUSES)
        .values_list("pk", flat=True)
    )


def _checkin_email(inv: CheckInInvitation) -> None:
    decision = inv.decision
    assert decision is not None  # the claim only matches invitations of existing decisions
    emails.checkin_invitation(
        to=inv.person.email,
        ctx={
            "name": inv.person.name,
            "offset_days": inv.offset_days,
            "title": decision.title,
            "link": CHECKIN_LINK.url(inv),
            "answer_days": CHECKIN_ANSWER_DAYS,
        },
    )


# A deleted decision's invitations (decision set to NULL) are never sent.
_PENDING = {"sent_at__isnull": True, "decision__isnull": False}
_WITH_DECISION = CheckInInvitation.objects.select_related("decision", "person")


def checkin_invitation_send(*, invitation_id: int) -> bool:
    """Send one check-in email unless it was sent already; True if sent now (core/links.py)."""
    return CHECKIN_LINK.send_once(
        pk=invitation_id, send=_checkin_email, queryset=_WITH_DECISION, pending=_PENDING
    )


def checkin_invitations_send(*, invitation_ids: list[int]) -> tuple[int, int]:
    """Send many with the one policy of core.links.send_each; returns (sent, not sent).

    A refused address stays unsent; any other mail error stops the run. Either way the next
    (hourly) run retries what is unsent, with the same links.
    """
    report = CHECKIN_LINK.send_all(
        ids=invitation_ids, send=_checkin_email, queryset=_WITH_DECISION, pending=_PENDING
    )
    if report.error is not None:
        log.error(
            "check-in sending stopped, %d left for the next run: %r", report.left, report.error
        )
    return report.sent, report.unsent


class CheckInError(DomainError):
    """A check-in link that can't be answered: members of the core error family, so each kind
    takes the status of its family member and the API handler and pages need no mapping."""


class CheckInUnknown(CheckInError, NotFound):
    code = "unknown"
    default_message = "This check-in link is not valid."


class CheckInUsed(CheckInError, Gone):
    code = "used"
    status = USED_STATUS.value  # the one "already used" status of every link (core.links)
    default_message = USED_ANSWER


class CheckInExpired(CheckInError, Gone):
    code = "expired"
    default_message = f"This check-in link has expired (links work for {CHECKIN_ANSWER_DAYS} days)."


class CheckInDeleted(CheckInError, Gone):
    code = "deleted"
    default_message = "The decision this check-in asked about has been deleted."


@dataclass(frozen=True)
class CheckInContext:
    invitation: CheckInInvitation
    decision: Decision


def checkin_lookup(*, raw_token: str, now: dt.datetime | None = None) -> CheckInContext:
    """The invitation behind a raw token, or a CheckInError: CheckInUnknown (404), CheckInUsed,
    CheckInExpired or CheckInDeleted (410)."""
    inv = CHECKIN_LINK.find(
        raw_token,
        CheckInInvitation.objects.select_related(
            "decision", "organization", "decision__superseded_by"
        ),
    )
    if inv is None and ClosedCheckInLink.objects.filter(token_hash=link_hash(raw_token)).exists():
        raise CheckInExpired()  # its window closed and was reduced to counts (decisions/counts.py)
    if inv is None or inv.sent_at is None:
        raise CheckInUnknown()
    if inv.decision is None:
        raise CheckInDeleted(
            "The decision this check-in asked about has been deleted, so there is nothing to"
            " answer any more. Thank you anyway."
        )
    if inv.used:
        raise CheckInUsed()
    if (now or timezone.now()) > inv.sent_at + dt.timedelta(days=CHECKIN_ANSWER_DAYS):
        raise CheckInExpired()
    return CheckInContext(invitation=inv, decision=inv.decision)


def _clean_answer(holding: Any, acted: Any, rediscussed: Any, comment: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    h: int | None = None
    if holding not in (None, ""):
        try:
            h = int(holding)
        except (TypeError, ValueError):
            h = 0
        if not 1 <= h <= 5 or str(holding).strip() not in {str(h)}:
            errors["holding"] = "“Still holding” takes a whole number from 1 to 5, or no answer."
    if acted not in Acted.values:
        errors["acted"] = "Choose one of the answers to “Have you acted on it?”."
    if rediscussed not in Rediscussed.values:
        errors["rediscussed"] = "Choose how often it has been re-discussed: never, once or several."
    comment = "" if comment is None else str(comment)
    if len(comment) > 2000:
        errors["comment"] = "Keep the comment to 2000 characters."
    if errors:
        raise ValidationError(errors)
    return {"holding": h, "acted": acted, "rediscussed": rediscussed, "comment": comment.strip()}


def checkin_submit(
    *,
    raw_token: str,
    holding: Any,
    acted: Any,
    rediscussed: Any,
    comment: Any = "",
    now: dt.datetime | None = None,
) -> PendingCheckIn:
    """Mark the link used and buffer the anonymous answer, in one transaction.

    Exactly one answer per token, even for two concurrent submits: the conditional UPDATE of
    `used` is the lock; the loser gets CheckInUsed. Bad values: ValidationError, nothing
    stored. The answer keeps the decision's status when answered (superseded decisions are
    accepted but flagged). It reaches CheckInResponse at a later `checkins_flush`, in a
    shuffled batch written by a transaction that touches no invitation.
    """
    now = now or timezone.now()
    ctx = checkin_lookup(raw_token=raw_token, now=now)
    clean = _clean_answer(holding, acted, rediscussed, comment)
    return _claim_and_store(ctx, clean, now)


def _claim_and_store(
    ctx: CheckInContext, clean: dict[str, Any], now: dt.datetime
) -> PendingCheckIn:
    """Mark the link used and buffer the answer atomically; a second caller gets "used".

    Two requests may both pass checkin_lookup(); only one conditional UPDATE matches a row.
    """
    inv, decision = ctx.invitation, ctx.decision
    org = inv.organization
    answered_on = timezone.localtime(now, org.tz).date()
    with transaction.atomic():
        if not CHECKIN_LINK.spend(pk=inv.pk, decision__isnull=False):
            if not Decision.objects.filter(pk=decision.pk).exists():
                raise CheckInDeleted()
            raise CheckInUsed()
        status = (
            Decision.objects.filter(pk=decision.pk).values_list("status", flat=True).first()
            or DecisionStatus.DECIDED
        )
        pending = PendingCheckIn.objects.create(
            organization=org,
            decision_id=decision.pk,
            offset_days=inv.offset_days,
            team_id=inv.team_id,
            period=checkin_window_period(
                decided_on=decision.decided_on,
                offset_days=inv.offset_days,
                kind=org.reporting_period,
            ),
            answered_on=answered_on,
            decision_status_at_answer=status,
            **clean,
        )
        # Its own transaction, after this one commits: never the claim's transaction id.
        task_queue_on_commit("decisions.flush_checkins", decision.pk)
    return pending
