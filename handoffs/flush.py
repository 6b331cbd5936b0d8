"""Handoff answers leave their buffer in shuffled batches of at least k; closed windows become counts.

`handoff_checkin_submit` spends the link and buffers the answer; `handoff_answers_flush`
writes a group (pair, side, period, day) to HandoffAnswer once it holds k answers (or its
answers are older than the answer window, or `force`), in random order under new ids, in a
transaction that touches no check-in. `handoff_windows_close` reduces check-ins past their
answer days to counts, person-free link hashes and keyed hashes of who answered (so k still
counts distinct people), then deletes them.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.batches import batch_ready
from core.links import keyed_hash
from handoffs.checkins import ANSWER_DAYS
from handoffs.models import (
    ClosedHandoffLink,
    HandoffAnswer,
    HandoffCheckIn,
    HandoffInviteCount,
    HandoffPeopleKey,
    PendingHandoffAnswer,
)
from orgs.models import Organization


def handoff_people_key(
    *, org_id: int, from_team: int, to_team: int, side: str, period: dt.date, person_id: int
) -> str:
    """One person on one side of one pair in one period, reproducible only with SECRET_KEY."""
    return keyed_hash(
        namespace="handoff-respondent",
        parts=[org_id, from_team, to_team, side, period.isoformat(), person_id],
    )


def _key(row: PendingHandoffAnswer) -> tuple[Any, ...]:
    return (row.from_team_id, row.to_team_id, row.side, row.period, row.answered_on)


def handoff_answers_flush(
    *,
    org: Organization,
    force: bool = False,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
    periods: set[dt.date] | None = None,
) -> int:
    """Write the org's buffered groups that reached k (or are old, or `force`); rows written.
    ``periods``: only the answers of those periods (a closed period's last answers)."""
    now = now or timezone.now()
    old = timezone.localtime(now, org.tz).date() - dt.timedelta(days=ANSWER_DAYS)
    with transaction.atomic():
        pending = PendingHandoffAnswer.objects.filter(organization=org)
        if periods is not None:
            pending = pending.filter(period__in=periods)
        rows = list(pending.select_for_update(of=("self",)))
        # Grouping, the k rule and the shuffle are core's (core/batches.py), as for decision
        # check-ins and workshop follow-ups; a group of an old day leaves as it is.
        batch = batch_ready(
            rows,
            key=_key,
            k=org.k,
            release=lambda key: key[4] <= old,  # type: ignore[index]
            force=force,
            rng=rng,
        )
        if not batch:
            return 0
        HandoffAnswer.objects.bulk_create(
            [
                HandoffAnswer(
                    id=uuid.uuid4(),
                    organization_id=r.organization_id,
                    from_team_id=r.from_team_id,
                    to_team_id=r.to_team_id,
                    side=r.side,
                    period=r.period,
                    answered_on=r.answered_on,
                    handed=r.handed,
                    context=r.context,
                    chased=r.chased,
                    comment=r.comment,
                )
                for r in batch
            ]
        )
        PendingHandoffAnswer.objects.filter(pk__in=[r.pk for r in batch]).delete()
    return len(batch)


def handoff_windows_close(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Reduce the org's check-ins past their answer days to counts; returns rows closed."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=ANSWER_DAYS)
    with transaction.atomic():
        rows = list(
            HandoffCheckIn.objects.filter(organization=org)
            .annotate(since=Coalesce("sent_at", "created_at"))
            .filter(since__lt=cutoff)
            .select_for_update(of=("self",))
        )
        if not rows:
            return 0
        counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
        keys = []
        for r in rows:
            if r.from_team_id is None or r.to_team_id is None:
                continue  # a deleted team's pair is shown nowhere any more
            pair = (r.from_team_id, r.to_team_id, r.side, r.period)
            counts[pair][0] += 1
            if r.used:
                counts[pair][1] += 1
                keys.append(
                    HandoffPeopleKey(
                        organization=org,
                        from_team_id=r.from_team_id,
                        to_team_id=r.to_team_id,
                        side=r.side,
                        period=r.period,
                        key=handoff_people_key(
                            org_id=org.pk,
                            from_team=r.from_team_id,
                            to_team=r.to_team_id,
                            side=r.side,
                            period=r.period,
                            person_id=r.person_id,
                        ),
                    )
                )
        for (f, t, side, period), (invited, answered) in counts.items():
            row, _ = HandoffInviteCount.objects.get_or_create(
                organization=org, from_team_id=f, to_team_id=t, side=side, period=period
            )
            HandoffInviteCount.objects.filter(pk=row.pk).update(
                invited=F("invited") + invited, answered=F("answered") + answered
            )
        HandoffPeopleKey.objects.bulk_create(keys, ignore_conflicts=True)
        ClosedHandoffLink.objects.bulk_create(
            [ClosedHandoffLink(token_hash=r.token_hash) for r in rows], ignore_conflicts=True
        )
        HandoffCheckIn.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
