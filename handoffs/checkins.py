"""Handoff check-ins: due a few working days after a handoff, each side asked once, capped per week.

The sender (from_person) is asked "I handed over everything the next person needs"; the
receiver (to_person) "I had the context I needed to act without asking" and "I had to chase
for missing information". Never about a handoff within one team, never more than
HANDOFF_CHECKINS_PER_WEEK a person per week (a fair sample: random among the person's
eligible handoffs, seeded per person and week). Links, answer-once and 410 are core/links.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import emails
from core.errors import DomainError, Gone, NotFound
from core.links import USED_STATUS, LinkKind, link_hash
from core.notify import slack_post
from core.tasks import task_queue_on_commit
from handoffs.models import (
    Chased,
    ClosedHandoffLink,
    HandoffCheckIn,
    HandoffEvent,
    PendingHandoffAnswer,
    Side,
)
from orgs.models import Organization, Person
from orgs.periods import period_start

log = logging.getLogger(__name__)

# A handoff's check-ins are created only this many days after they fall due (an imported
# old history asks nobody about last year's handoffs).
GRACE_DAYS = 7
# A link can be answered for this many days after it was sent.
ANSWER_DAYS = 14
USED_ANSWER = "This check-in has already been answered. Thank you!"


def checkin_delay_days() -> int:
    """Working days between a handoff and its check-ins (setting, default 2)."""
    return max(0, int(getattr(settings, "HANDOFF_CHECKIN_DELAY_WORKING_DAYS", 2)))


def checkins_per_week() -> int:
    """The most handoff check-ins one person is asked per week (setting, default 2)."""
    return max(0, int(getattr(settings, "HANDOFF_CHECKINS_PER_WEEK", 2)))


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The day n working days (Monday to Friday) after `day`."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# The link /handoffs/c/#<token>; a token identifies (handoff, person).
HANDOFF_LINK: LinkKind[HandoffCheckIn] = LinkKind(
    namespace="handoff",
    model=HandoffCheckIn,
    view="handoffs:checkin_open",
    parts=lambda inv: (inv.handoff_id, inv.person_id, inv.side),
)


def handoff_checkin_new(
    *, org: Organization, handoff: HandoffEvent, person_id: int, side: str, week: dt.date
) -> HandoffCheckIn:
    """An unsaved check-in with its nonce and token hash filled in."""
    day = timezone.localtime(handoff.at, org.tz).date()
    return HANDOFF_LINK.issue(
        HandoffCheckIn(
            organization=org,
            handoff=handoff,
            person_id=person_id,
            side=side,
            from_team_id=handoff.from_team_id,
            to_team_id=handoff.to_team_id,
            period=period_start(day, org.reporting_period),
            week=week,
        )
    )


def _candidates(org: Organization, today: dt.date) -> dict[int, list[tuple[HandoffEvent, str]]]:
    """Person id → [(handoff, side)] due today (not yet asked about, across two teams)."""
    delay = checkin_delay_days()
    # Generous bound (weekends) on how old a due handoff can be; the exact test is below.
    oldest = today - dt.timedelta(days=GRACE_DAYS + 2 * delay + 4)
    events = (
        HandoffEvent.objects.filter(organization=org, at__date__gte=oldest, at__lte=timezone.now())
        .select_related("from_person", "to_person")
        .order_by("pk")
    )
    asked = set(
        HandoffCheckIn.objects.filter(organization=org, handoff__in=events).values_list(
            "handoff_id", "person_id"
        )
    )
    out: dict[int, list[tuple[HandoffEvent, str]]] = defaultdict(list)
    for ev in events:
        if ev.from_team_id == ev.to_team_id:
            continue  # a handoff within one team: never asked
        due = working_days_after(timezone.localtime(ev.at, org.tz).date(), delay)
        if not due <= today < due + dt.timedelta(days=GRACE_DAYS):
            continue
        sides = (
            (ev.from_person, Side.SENDER, ev.to_team_id),
            (ev.to_person, Side.RECEIVER, ev.from_team_id),
        )
        for person, side, other_team in sides:
            if person is None or not person.is_active or not person.email:
                continue
            if person.team_id == other_team or (ev.pk, person.pk) in asked:
                continue  # the other side is the person's own team: within their own team
            if ev.from_person_id == ev.to_person_id:
                continue
            out[person.pk].append((ev, side))
    return out


def handoff_checkins_create_due(*, org: Organization, now: dt.datetime | None = None) -> list[int]:
    """Create the due check-ins of the org's handoffs under the weekly cap; return unsent ids.

    Idempotent and safe under concurrent dispatch: each person's rows are decided under a lock
    of the person's row, with a sample seeded by (org, person, week), and the unique
    (handoff, person) constraint keeps one check-in per person per handoff whatever happens.
    """
    today = timezone.localtime(now or timezone.now(), org.tz).date()
    week = week_of(today)
    cap = checkins_per_week()
    for person_id, cands in sorted(_candidates(org, today).items()):
        with transaction.atomic():
            # Serialises two dispatchers on one person (PostgreSQL row lock; SQLite write lock).
            Person.objects.select_for_update().filter(pk=person_id).first()
            mine = HandoffCheckIn.objects.filter(person_id=person_id, week=week)
            room = cap - mine.count()
            done = set(
                HandoffCheckIn.objects.filter(person_id=person_id).values_list(
                    "handoff_id", flat=True
                )
            )
            eligible = [(ev, side) for ev, side in cands if ev.pk not in done]
            if room <= 0 or not eligible:
                continue
            rng = random.Random(f"handoff-cap:{org.pk}:{person_id}:{week.isoformat()}")
            chosen = rng.sample(eligible, min(room, len(eligible)))
            HandoffCheckIn.objects.bulk_create(
                [
                    handoff_checkin_new(
                        org=org, handoff=ev, person_id=person_id, side=side, week=week
                    )
                    for ev, side in chosen
                ],
                ignore_conflicts=True,
            )
    return list(
        HandoffCheckIn.objects.filter(
            organization=org, sent_at__isnull=True, handoff__isnull=False
        ).values_list("pk", flat=True)
    )


def _checkin_email(inv: HandoffCheckIn) -> None:
    ev = inv.handoff
    assert ev is not None  # the claim only matches check-ins of existing handoffs
    other = ev.to_team if inv.side == Side.SENDER else ev.from_team
    emails.handoff_checkin(
        to=inv.person.email,
        ctx={
            "name": inv.person.name,
            "item": ev.item_ref,
            "sender": inv.side == Side.SENDER,
            "other_team": other.name if other else "another team",
            "day": timezone.localtime(ev.at, inv.organization.tz).date().isoformat(),
            "link": HANDOFF_LINK.url(inv),
            "answer_days": ANSWER_DAYS,
        },
    )


_PENDING = {"sent_at__isnull": True, "handoff__isnull": False}
_WITH_HANDOFF = HandoffCheckIn.objects.select_related(
    "handoff", "handoff__from_team", "handoff__to_team", "person", "organization"
)


def handoff_checkin_send(*, checkin_id: int) -> bool:
    """Send one check-in email unless it was sent already; True if sent now."""
    return HANDOFF_LINK.send_once(
        pk=checkin_id, send=_checkin_email, queryset=_WITH_HANDOFF, pending=_PENDING
    )


def handoff_checkins_announce(*, count: int) -> bool:
    """One line to the shared Slack channel where configured: a count, never a personal link."""
    if count <= 0:
        return False
    return slack_post(
        text=f"{count} handoff check-in(s) just went out by email: two questions, anonymous."
    )


class HandoffCheckInError(DomainError):
    """A handoff check-in link that can't be answered."""


class HandoffCheckInUnknown(HandoffCheckInError, NotFound):
    code = "unknown"
    default_message = "This check-in link is not valid."


class HandoffCheckInUsed(HandoffCheckInError, Gone):
    code = "used"
    status = USED_STATUS.value
    default_message = USED_ANSWER


class HandoffCheckInExpired(HandoffCheckInError, Gone):
    code = "expired"
    default_message = f"This check-in link has expired (links work for {ANSWER_DAYS} days)."


class HandoffCheckInDeleted(HandoffCheckInError, Gone):
    code = "deleted"
    default_message = (
        "The handoff this check-in asked about has been deleted (its work item is gone),"
        " so there is nothing to answer any more. Thank you anyway."
    )


@dataclass(frozen=True)
class HandoffCheckInContext:
    checkin: HandoffCheckIn
    handoff: HandoffEvent


def handoff_checkin_lookup(
    *, raw_token: str, now: dt.datetime | None = None
) -> HandoffCheckInContext:
    """The check-in behind a raw token, or a HandoffCheckInError (404 / 410)."""
    inv = HANDOFF_LINK.find(
        raw_token,
        HandoffCheckIn.objects.select_related(
            "handoff", "handoff__from_team", "handoff__to_team", "organization"
        ),
    )
    if inv is None and ClosedHandoffLink.objects.filter(token_hash=link_hash(raw_token)).exists():
        raise HandoffCheckInExpired()
    if inv is None or inv.sent_at is None:
        raise HandoffCheckInUnknown()
    if inv.handoff is None:
        raise HandoffCheckInDeleted()
    if inv.used:
        raise HandoffCheckInUsed()
    if (now or timezone.now()) > inv.sent_at + dt.timedelta(days=ANSWER_DAYS):
        raise HandoffCheckInExpired()
    return HandoffCheckInContext(checkin=inv, handoff=inv.handoff)


def _agree(raw: Any, name: str, label: str, errors: dict[str, str]) -> int | None:
    if raw in (None, ""):
        return None
    try:
        v = int(str(raw).strip())
    except (TypeError, ValueError):
        v = 0
    if not 1 <= v <= 5:
        errors[name] = f"“{label}” takes a whole number from 1 to 5, or no answer."
        return None
    return v


def _clean(side: str, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {"handed": None, "context": None, "chased": ""}
    if side == Side.SENDER:
        out["handed"] = _agree(data.get("handed"), "handed", "I handed over everything", errors)
    else:
        out["context"] = _agree(data.get("context"), "context", "I had the context", errors)
        chased = data.get("chased") or ""
        if chased not in Chased.values:
            errors["chased"] = "Choose how often you had to chase: never, once or several times."
        out["chased"] = chased
    comment = str(data.get("comment") or "")
    if len(comment) > 2000:
        errors["comment"] = "Keep the comment to 2000 characters."
    if errors:
        raise ValidationError(errors)
    out["comment"] = comment.strip()
    return out


def handoff_checkin_submit(
    *, raw_token: str, data: dict[str, Any], now: dt.datetime | None = None
) -> PendingHandoffAnswer:
    """Spend the link and buffer the anonymous answer in one transaction (one answer per
    token, even for concurrent submits). It reaches HandoffAnswer in a shuffled batch
    (handoffs/flush.py) written by a transaction that touches no check-in."""
    now = now or timezone.now()
    ctx = handoff_checkin_lookup(raw_token=raw_token, now=now)
    inv = ctx.checkin
    clean = _clean(inv.side, data)
    org = inv.organization
    with transaction.atomic():
        if not HANDOFF_LINK.spend(pk=inv.pk, handoff__isnull=False):
            if not HandoffEvent.objects.filter(pk=ctx.handoff.pk).exists():
                raise HandoffCheckInDeleted()
            raise HandoffCheckInUsed()
        pending = PendingHandoffAnswer.objects.create(
            organization=org,
            from_team_id=inv.from_team_id,
            to_team_id=inv.to_team_id,
            side=inv.side,
            period=inv.period,
            answered_on=timezone.localtime(now, org.tz).date(),
            **clean,
        )
        task_queue_on_commit("handoffs.flush_answers", org.pk)
    return pending
