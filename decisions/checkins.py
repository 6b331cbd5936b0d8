"""Check-in services: find due check-ins, send each invitation once, accept one answer per link.

Stakeholders of a decision = its explicit stakeholders + the active people of its affected
teams and their sub-teams, evaluated when the check-in falls due (people who joined since
are asked, people who left are not). The owner is not added automatically.

A check-in is due on decided_on + offset (org time zone) and is created only within
CHECKIN_GRACE_DAYS of that day, so logging an old decision doesn't send stale check-ins.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.models import (
    CLOSED_STATUSES,
    Acted,
    CheckInInvitation,
    CheckInResponse,
    Decision,
    DecisionStatus,
    Rediscussed,
)
from orgs.models import Organization, Person
from orgs.periods import period_start
from orgs.tenancy import descendant_ids
from surveys.tokens import nonce_new, token_hash

log = logging.getLogger(__name__)

CHECKIN_GRACE_DAYS = 7
# A link can be answered for this many days after it was sent.
CHECKIN_ANSWER_DAYS = 21


def org_offsets(org: Organization) -> list[int]:
    """The org's check-in offsets, cleaned: positive whole days, sorted, no duplicates."""
    raw = org.checkin_offsets_days or [7, 30]
    out = sorted({int(x) for x in raw if isinstance(x, int | float) and int(x) > 0})
    return out or [7, 30]


def checkin_token(*, decision_id: int, offset_days: int, person_id: int, nonce: str) -> str:
    """The raw link token of a check-in invitation, reproducible only with SECRET_KEY.

    Derived (like pulse invitations, surveys/tokens.py) so a send that is retried after a
    crash or a mail error sends the very same link, while the database stores only the
    nonce and sha256(token).
    """
    msg = f"checkin:{decision_id}:{offset_days}:{person_id}:{nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode("utf-8"), msg, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def checkin_invitation_new(
    *, org_id: int, decision_id: int, offset_days: int, person_id: int, team_id: int | None
) -> CheckInInvitation:
    """An unsaved invitation with its nonce and token hash filled in."""
    nonce = nonce_new()
    raw = checkin_token(
        decision_id=decision_id, offset_days=offset_days, person_id=person_id, nonce=nonce
    )
    return CheckInInvitation(
        organization_id=org_id,
        decision_id=decision_id,
        offset_days=offset_days,
        person_id=person_id,
        team_id=team_id,
        nonce=nonce,
        token_hash=token_hash(raw),
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
    today = timezone.localtime(now or timezone.now(), ZoneInfo(org.time_zone)).date()
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


def checkin_url(raw: str) -> str:
    return settings.SITE_URL + reverse("decisions:checkin", kwargs={"token": raw})


def checkin_invitation_send(*, invitation_id: int) -> bool:
    """Send one check-in email unless it was sent already; True if sent now.

    One transaction: claim the row with a conditional UPDATE of sent_at (the row / database
    write lock makes a concurrent sender wait and then find it sent), send, commit. A mail
    error rolls the claim back, so the next run retries with the same (derived) link. The
    only double-send window is a crash between the mail server's accept and the commit.
    """
    with transaction.atomic():
        claimed = CheckInInvitation.objects.filter(
            pk=invitation_id, sent_at__isnull=True, decision__isnull=False
        ).update(sent_at=timezone.now())
        if not claimed:
            return False
        inv = CheckInInvitation.objects.select_related("decision", "person").get(pk=invitation_id)
        decision = inv.decision
        assert decision is not None
        raw = checkin_token(
            decision_id=decision.pk,
            offset_days=inv.offset_days,
            person_id=inv.person_id,
            nonce=inv.nonce,
        )
        body = (
            f"Hello {inv.person.name},\n\n"
            f"{inv.offset_days} days ago this decision was made:\n\n"
            f"    {decision.title}\n\n"
            "Three quick questions (30 seconds, anonymous: nobody sees who answered what):\n"
            f"{checkin_url(raw)}\n\n"
            f"The link works once and for {CHECKIN_ANSWER_DAYS} days.\n"
        )
        send_mail(
            subject=f"Quick check-in: {decision.title}"[:150],
            message=body,
            from_email=None,
            recipient_list=[inv.person.email],
        )
    return True


def checkin_invitations_send(*, invitation_ids: list[int]) -> tuple[int, int]:
    """Send many; a failing address is logged and left unsent for the next run.

    Returns (sent, failed).
    """
    sent = failed = 0
    for inv_id in invitation_ids:
        try:
            sent += checkin_invitation_send(invitation_id=inv_id)
        except Exception:  # mail errors of any backend: retried by the next hourly run
            log.exception("check-in invitation %s not sent; will retry", inv_id)
            failed += 1
    return sent, failed


class CheckInError(Exception):
    """A link that can't be answered; `status` is the HTTP status to show it with."""

    def __init__(self, kind: str, message: str, status: int) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


@dataclass(frozen=True)
class CheckInContext:
    invitation: CheckInInvitation
    decision: Decision


def checkin_lookup(*, raw_token: str, now: dt.datetime | None = None) -> CheckInContext:
    """The invitation behind a raw token, or CheckInError (unknown 404, used 409, gone 410)."""
    inv = (
        CheckInInvitation.objects.select_related(
            "decision", "organization", "decision__superseded_by"
        )
        .filter(token_hash=token_hash(raw_token or ""))
        .first()
    )
    if inv is None or inv.sent_at is None:
        raise CheckInError("unknown", "This check-in link is not valid.", 404)
    if inv.decision is None:
        raise CheckInError(
            "deleted",
            "The decision this check-in asked about has been deleted, so there is nothing to"
            " answer any more. Thank you anyway.",
            410,
        )
    if inv.used:
        raise CheckInError("used", "This check-in has already been answered. Thank you!", 409)
    if (now or timezone.now()) > inv.sent_at + dt.timedelta(days=CHECKIN_ANSWER_DAYS):
        raise CheckInError(
            "expired",
            f"This check-in link has expired (links work for {CHECKIN_ANSWER_DAYS} days).",
            410,
        )
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
) -> CheckInResponse:
    """Store one anonymous answer and mark the link used, in one transaction.

    Exactly one answer per token, even for two concurrent submits: the conditional UPDATE of
    `used` is the lock; the loser gets CheckInError("used"). Bad values: ValidationError,
    nothing stored. The response keeps the decision's status when answered (superseded
    decisions are accepted but flagged).
    """
    now = now or timezone.now()
    ctx = checkin_lookup(raw_token=raw_token, now=now)
    clean = _clean_answer(holding, acted, rediscussed, comment)
    return _claim_and_store(ctx, clean, now)


def _claim_and_store(
    ctx: CheckInContext, clean: dict[str, Any], now: dt.datetime
) -> CheckInResponse:
    """Mark the link used and insert the answer atomically; a second caller gets "used".

    Two requests may both pass checkin_lookup(); only one conditional UPDATE matches a row.
    """
    inv, decision = ctx.invitation, ctx.decision
    org = inv.organization
    answered_on = timezone.localtime(now, ZoneInfo(org.time_zone)).date()
    with transaction.atomic():
        claimed = CheckInInvitation.objects.filter(
            pk=inv.pk, used=False, decision__isnull=False
        ).update(used=True)
        if not claimed:
            if not Decision.objects.filter(pk=decision.pk).exists():
                raise CheckInError(
                    "deleted", "The decision this check-in asked about has been deleted.", 410
                )
            raise CheckInError("used", "This check-in has already been answered. Thank you!", 409)
        status = (
            Decision.objects.filter(pk=decision.pk).values_list("status", flat=True).first()
            or DecisionStatus.DECIDED
        )
        response = CheckInResponse.objects.create(
            organization=org,
            decision_id=decision.pk,
            team_id=inv.team_id,
            period=period_start(answered_on, org.reporting_period),
            answered_on=answered_on,
            decision_status_at_answer=status,
            **clean,
        )
        org_id = org.pk
        transaction.on_commit(lambda: _queue_recompute(org_id))
    return response


def _queue_recompute(org_id: int) -> None:
    from decisions.tasks import recompute_decision_metrics_task

    # A short delay batches the answers of a busy hour into few recomputes.
    recompute_decision_metrics_task.apply_async(args=[org_id], countdown=30)
