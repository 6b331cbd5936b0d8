"""Demo handoffs: events from the demo's imported work-item history, and planted check-in
answers so that one team pair shows confident senders and struggling receivers (a large gap);
it is the pair whose receiving team execution's demo files slow down the next period."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable

from django.utils import timezone

from execution.demo_offer import demo_handoff_pair, demo_leaf_teams
from handoffs.checkins import HANDOFF_LINK, week_of
from handoffs.closing import handoff_last_ask
from handoffs.models import (
    Chased,
    ClosedHandoffLink,
    HandoffAnswer,
    HandoffCheckIn,
    HandoffEvent,
    HandoffInviteCount,
    HandoffMatchReport,
    HandoffPeopleKey,
    HandoffRelease,
    PendingHandoffAnswer,
    Side,
)
from handoffs.releases import handoff_pairs_publish
from handoffs.services import handoffs_from_history
from orgs.models import Organization, Person
from orgs.periods import period_start


def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Scan the demo history, then plant answers on the busiest pairs of the last periods."""
    scan = handoffs_from_history(org=org)
    log(f"Handoffs: {scan.created} handoff events from the work-item history")
    pairs = Counter(
        HandoffEvent.objects.filter(organization=org)
        .exclude(from_team_id=None)
        .values_list("from_team_id", "to_team_id")
    )
    team_people: dict[int, list[int]] = {}
    for pid, tid in Person.objects.filter(
        organization=org, is_active=True, team__isnull=False
    ).values_list("pk", "team_id"):
        team_people.setdefault(tid, []).append(pid)
    usable = [
        (pair, n)
        for pair, n in pairs.most_common()
        if pair[0] != pair[1]
        and len(team_people.get(pair[0], [])) >= org.k
        and len(team_people.get(pair[1], [])) >= org.k
    ]
    if not usable:
        log("Handoffs: no team pair with k people on each side; no answers planted")
        return
    planted = usable[0][0]
    # Execution's demo files slow down this pair's receiving team in the next period.
    named = demo_handoff_pair(demo_leaf_teams(org))
    ids = {name: tid for tid, name in org.team_tree().names.items()}
    if named is not None and (ids.get(named[0]), ids.get(named[1])) in {p for p, _n in usable}:
        planted = (ids[named[0]], ids[named[1]])
    others = [pair for pair, _n in usable if pair != planted][:3]
    # A period's figures are released once it has closed (handoffs/closing.py): plant on
    # the last two periods closed by `today`, so the demo shows them, and on the current
    # one, whose answers wait for its close ("released when … closes").
    closed = [p for p in periods[:-1] if handoff_last_ask(org=org, period=p) < today]
    for f, t in [planted, *others]:
        gap_pair = (f, t) == planted
        for period in [*closed[-2:], periods[-1]]:
            _plant(org, rng, f, t, period, team_people, struggling=gap_pair)
    handoff_pairs_publish(org=org)
    names = org.team_tree().names
    log(f"Handoffs: planted a large gap on {names.get(planted[0])} → {names.get(planted[1])}")


def _plant(
    org: Organization,
    rng: random.Random,
    f: int,
    t: int,
    period: dt.date,
    team_people: dict[int, list[int]],
    *,
    struggling: bool,
) -> None:
    events = list(
        HandoffEvent.objects.filter(organization=org, from_team_id=f, to_team_id=t).order_by("at")
    )
    in_period = [
        e
        for e in events
        if period_start(timezone.localtime(e.at, org.tz).date(), org.reporting_period) == period
    ]
    if not in_period:
        return
    day = min(period + dt.timedelta(days=10), timezone.localdate())
    # Sent on the day it was answered: a closed period's windows are over, as in life.
    sent = min(dt.datetime.combine(day, dt.time(10), tzinfo=org.tz), timezone.now())
    for side, team in ((Side.SENDER, f), (Side.RECEIVER, t)):
        for i, person in enumerate(team_people[team]):
            handoff = in_period[i % len(in_period)]
            if HandoffCheckIn.objects.filter(handoff=handoff, person_id=person).exists():
                continue
            row = HandoffCheckIn(
                organization=org,
                handoff=handoff,
                person_id=person,
                side=side,
                from_team_id=f,
                to_team_id=t,
                period=period,
                week=week_of(day),
                sent_at=sent,
                used=True,
            )
            HANDOFF_LINK.issue(row).save()  # a real link row, already used
            if side == Side.SENDER:
                handed = rng.choice([4, 5, 5]) if struggling else rng.choice([3, 4, 4, 5])
                answer: dict[str, object] = {"handed": handed}
            else:
                context = rng.choice([1, 2, 2, 3]) if struggling else rng.choice([3, 4, 4, 5])
                chased = (
                    rng.choice([Chased.SEVERAL, Chased.SEVERAL, Chased.ONCE])
                    if struggling
                    else rng.choice([Chased.NEVER, Chased.NEVER, Chased.ONCE])
                )
                answer = {"context": context, "chased": chased}
            HandoffAnswer.objects.create(
                organization=org,
                from_team_id=f,
                to_team_id=t,
                side=side,
                period=period,
                answered_on=day,
                **answer,
            )


def demo_reset(org: Organization) -> None:
    """Delete the demo org's handoff rows (before execution's work items go)."""
    HandoffAnswer.objects.filter(organization=org).delete()
    PendingHandoffAnswer.objects.filter(organization=org).delete()
    hashes = list(
        HandoffCheckIn.objects.filter(organization=org).values_list("token_hash", flat=True)
    )
    ClosedHandoffLink.objects.filter(token_hash__in=hashes).delete()
    HandoffCheckIn.objects.filter(organization=org).delete()
    HandoffPeopleKey.objects.filter(organization=org).delete()
    HandoffInviteCount.objects.filter(organization=org).delete()
    HandoffEvent.objects.filter(organization=org).delete()
    HandoffMatchReport.objects.filter(organization=org).delete()
    HandoffRelease.objects.filter(organization=org).delete()
