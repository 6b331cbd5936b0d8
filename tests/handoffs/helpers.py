"""Builders for handoff tests: a work-item history, a handoff, a sent check-in, answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from execution.models import EventField, WorkItem, WorkItemEvent
from handoffs.checkins import HANDOFF_LINK, handoff_checkin_new, week_of
from handoffs.models import HandoffAnswer, HandoffCheckIn, HandoffEvent, HandoffSource, Side
from orgs.models import Organization, Person, Team
from tests.factories import people_make, team_make


def item_make(*, org: Organization, team: Team, key: str, assignee: str = "") -> WorkItem:
    return WorkItem.objects.create(
        organization=org,
        source="jira",
        item_id=key,
        team=team,
        title=key,
        status="In Progress",
        assignee=assignee,
        created_at=timezone.now() - dt.timedelta(days=20),
        started_at=timezone.now() - dt.timedelta(days=19),
    )


def event_make(*, item: WorkItem, field: str, frm: str, to: str, at: dt.datetime) -> WorkItemEvent:
    return WorkItemEvent.objects.create(
        organization=item.organization,
        item=item,
        field={"assignee": EventField.ASSIGNEE, "team": EventField.TEAM}[field],
        from_value=frm,
        to_value=to,
        at=at,
    )


def handoff_make(
    *,
    org: Organization,
    from_team: Team,
    to_team: Team,
    at: dt.datetime | None = None,
    from_person: Person | None = None,
    to_person: Person | None = None,
    item: str | None = None,
) -> HandoffEvent:
    at = at or timezone.now()
    return HandoffEvent.objects.create(
        organization=org,
        source=HandoffSource.FORM,
        item_ref=item or f"ITEM-{at.timestamp()}-{from_team.pk}-{to_team.pk}",
        from_team=from_team,
        to_team=to_team,
        from_person=from_person,
        to_person=to_person,
        at=at,
    )


def closed_moment() -> dt.datetime:
    """A moment of a period that has closed (its check-in windows over): ~11 weeks ago."""
    return timezone.now() - dt.timedelta(days=77)


def checkin_sent(
    *, handoff: HandoffEvent, person: Person, side: str, sent_at: dt.datetime | None = None
) -> tuple[HandoffCheckIn, str]:
    """A sent check-in; returns it and its raw token (as the email carries it)."""
    org = handoff.organization
    inv = handoff_checkin_new(
        org=org,
        handoff=handoff,
        person_id=person.pk,
        side=side,
        week=week_of(timezone.localdate()),
    )
    inv.sent_at = sent_at or timezone.now()
    inv.save()
    return inv, HANDOFF_LINK.token(inv)


def answered_pair(
    *,
    org: Organization,
    from_team: Team,
    to_team: Team,
    senders: list[tuple[Person, int]],
    receivers: list[tuple[Person, int, str]],
    at: dt.datetime | None = None,
) -> None:
    """Used check-ins (the people counts) and released answers for one pair, in the period
    of `at` (default: a closed period, whose windows are over, so a release shows it)."""
    at = at or closed_moment()
    # Distinct handoff times: one person may answer several handoffs of the pair.
    for i, (person, handed) in enumerate(senders):
        h = handoff_make(
            org=org, from_team=from_team, to_team=to_team, from_person=person, at=_at(at, i)
        )
        inv, _ = checkin_sent(handoff=h, person=person, side=Side.SENDER, sent_at=_sent(at))
        HandoffCheckIn.objects.filter(pk=inv.pk).update(used=True)
        _answer(org, inv, handed=handed)
    for i, (person, context, chased) in enumerate(receivers):
        h = handoff_make(
            org=org, from_team=from_team, to_team=to_team, to_person=person, at=_at(at, 1000 + i)
        )
        inv, _ = checkin_sent(handoff=h, person=person, side=Side.RECEIVER, sent_at=_sent(at))
        HandoffCheckIn.objects.filter(pk=inv.pk).update(used=True)
        _answer(org, inv, context=context, chased=chased)


def _at(at: dt.datetime, i: int) -> dt.datetime:
    return at + dt.timedelta(seconds=i + 1)


def _sent(at: dt.datetime) -> dt.datetime:
    """When its check-in went out: a few days after the handoff, never in the future."""
    return min(at + dt.timedelta(days=3), timezone.now())


def _answer(org: Organization, inv: HandoffCheckIn, **fields: Any) -> None:
    HandoffAnswer.objects.create(
        organization=org,
        from_team_id=inv.from_team_id,
        to_team_id=inv.to_team_id,
        side=inv.side,
        period=inv.period,
        answered_on=timezone.localdate(),
        **fields,
    )


def three_pairs_answered(*, org: Organization, platform: Team, sales: Team) -> Team:
    """Platform → Sales and Marketing → Sales with k people on each side, and Sales →
    Marketing with one receiver short of k (hidden). Returns the new Marketing team."""
    k = org.k
    marketing = team_make(org=org, name="Marketing")
    plat = people_make(org=org, team=platform, n=k, prefix="plat")
    sal = people_make(org=org, team=sales, n=k, prefix="sales")
    mkt = people_make(org=org, team=marketing, n=k, prefix="mkt")
    # Confident senders, struggling receivers: the largest gap.
    answered_pair(
        org=org,
        from_team=platform,
        to_team=sales,
        senders=[(p, 5) for p in plat],
        receivers=[(p, 2, "several") for p in sal],
    )
    answered_pair(  # k - 1 receivers: hidden
        org=org,
        from_team=sales,
        to_team=marketing,
        senders=[(p, 4) for p in sal],
        receivers=[(p, 4, "never") for p in mkt[:-1]],
    )
    answered_pair(  # no team of the leader's
        org=org,
        from_team=marketing,
        to_team=sales,
        senders=[(p, 4) for p in mkt],
        receivers=[(p, 4, "never") for p in sal],
    )
    return marketing
