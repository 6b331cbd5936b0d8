"""The workshops part of the demo organization: two past workshops of the demo facilitator's
Mobile team with commitments in every state, and one upcoming draft."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from orgs.models import Organization, Person, Team
from workshops.models import Workshop
from workshops.models_commitments import (
    Commitment,
    CommitmentStatus,
    FollowUpAnswer,
    FollowUpLink,
    PendingFollowUpAnswer,
)
from workshops.releases import followthrough_publish

DEMO_TEAM = "Mobile"  # in Engineering, which the demo facilitator facilitates
FACILITATOR = "facilitator"

# (what, days after the workshop it was due, status, days after the workshop it was done)
FIRST = [
    ("Write down who may approve a release without asking", 14, CommitmentStatus.DONE, 9),
    ("Agree a one-page decision log in the team channel", 21, CommitmentStatus.DONE, 16),
    ("Pair on-call handover with a checklist", 21, CommitmentStatus.SLIPPED, None),
    ("Move the weekly status meeting to async notes", 28, CommitmentStatus.DROPPED, None),
]
SECOND = [
    ("Name an owner for every action at the end of each meeting", 10, CommitmentStatus.DONE, 6),
    ("Publish the release-approval rule on the wiki", 14, CommitmentStatus.PARTLY, None),
    ("Try a blameless review after the next incident", 17, CommitmentStatus.WAITING, None),
    ("Check in with Design about hand-off notes", 40, CommitmentStatus.OPEN, None),
]


def _at(day: dt.date, org: Organization, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), org.tz)


def _workshop(
    org: Organization, team: Team, user: Any, title: str, day: dt.date, state: str
) -> Workshop:
    agenda = [
        {
            "kind": "review",
            "title": "Review last workshop's open commitments",
            "notes": "",
            "plays": [],
        },
        {
            "kind": "dimension",
            "key": "authority_to_act",
            "title": "Authority to act",
            "notes": "Where do we wait for permission we already have?",
            "plays": ["Decision rights map"],
        },
        {"kind": "note", "title": "Commitments: what, who, by when", "notes": "", "plays": []},
    ]
    return Workshop.objects.create(
        organization=org,
        team=team,
        facilitator=user,
        title=title,
        scheduled_for=_at(day, org),
        state=state,
        agenda=agenda,
        focus_dimensions=["authority_to_act"],
        anonymity_k=org.k,
        started_at=_at(day, org) if state != Workshop.State.DRAFT else None,
        ended_at=_at(day, org, 12) if state == Workshop.State.ENDED else None,
    )


def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    team = Team.objects.filter(organization=org, name=DEMO_TEAM).first()
    if team is None:
        return
    user = get_user_model().objects.filter(username=FACILITATOR).first()
    people = list(Person.objects.filter(organization=org, team=team, is_active=True).order_by("pk"))
    if not people:
        return
    made = 0
    for title, day, rows in (
        ("Mobile: authority to act", today - dt.timedelta(days=70), FIRST),
        ("Mobile: follow-up on ownership", today - dt.timedelta(days=25), SECOND),
    ):
        workshop = _workshop(org, team, user, title, day, Workshop.State.ENDED)
        for what, due_after, status, done_after in rows:
            due = day + dt.timedelta(days=due_after)
            c = Commitment.objects.create(
                organization=org,
                workshop=workshop,
                what=what,
                # A different owner for each commitment (as long as the team allows), so the
                # rate covers k owners and is released.
                owner=people[made % len(people)],
                due_on=due,
                status=status,
                created_by=user,
                created_at=_at(day, org, 11),
                done_at=_at(day + dt.timedelta(days=done_after), org) if done_after else None,
                status_changed_at=_at(min(due, today), org),
                reminded_at=_at(due - dt.timedelta(days=2), org) if due <= today else None,
                asked_at=_at(due + dt.timedelta(days=1), org) if due < today else None,
            )
            if c.asked_at is not None:
                # The team's anonymous "did this happen?" answers (enough to be shown).
                answer = {"done": "done", "partly": "partly", "dropped": "dropped"}.get(
                    status, "not_yet"
                )
                FollowUpAnswer.objects.bulk_create(
                    FollowUpAnswer(
                        organization=org,
                        commitment=c,
                        answer=answer
                        if rng.random() < 0.75
                        else rng.choice(["done", "not_yet", "partly"]),
                        answered_on=due + dt.timedelta(days=2),
                    )
                    for _ in range(max(org.k, 6))
                )
            made += 1
    _workshop(
        org, team, user, "Mobile: next steps", today + dt.timedelta(days=10), Workshop.State.DRAFT
    )
    shown = followthrough_publish(org=org)  # as the hourly follow-up pass would
    log(f"workshops: 3 workshops of {DEMO_TEAM}, {made} commitments, {shown} figures released")


def demo_reset(org: Organization) -> None:
    FollowUpAnswer.objects.filter(organization=org).delete()
    PendingFollowUpAnswer.objects.filter(organization=org).delete()
    FollowUpLink.objects.filter(organization=org).delete()
    Commitment.objects.filter(organization=org).delete()
    Workshop.objects.filter(organization=org).delete()
