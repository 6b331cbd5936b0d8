"""Reduce a closed round's per-person invitations to counts; close out finished periods.

Why: a per-person invitation row with a ``used`` flag says who answered which round, which
is exactly what participation suppression hides for small teams (docs/privacy.md). While a
round is open the rows are needed (links, reminders, one answer per link); once it closes
they are replaced by

- per team: invited, sent, answered (:class:`~surveys.models_counts.RoundTeamCount`);
- the links' hashes without persons (:class:`~surveys.models_counts.ClosedRoundLink`), so
  an old link still reads "this round has closed";
- per team and period, a keyed hash of each person who answered
  (:class:`~surveys.models_counts.PeriodRespondentKey`): k counts *people* per
  team × period, and rounds of one period close at different times, so the same person
  answering two rounds of the period must be recognisable as one. The key is
  HMAC-SHA256(SECRET_KEY, "respondent:<org>:<period>:<person>"): without SECRET_KEY it names
  nobody; with it, it tells only that the person answered *some* round of the period in
  that team. It is never linked to a response.

When a period is over and all its rounds are closed, :func:`periods_close_out` replaces the
keys by the number of distinct people per team and in the whole org
(:class:`~surveys.models_counts.PeriodRespondentCount`), and deletes them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from core.links import keyed_hash, link_counts_by_team
from orgs.models import Organization
from orgs.periods import period_start
from surveys.models import (
    ClosedRoundLink,
    Invitation,
    PeriodRespondentCount,
    PeriodRespondentKey,
    PulseRound,
    RoundStatus,
    RoundTeamCount,
)


def respondent_key(*, organization_id: int, period: dt.date, person_id: int) -> str:
    """The keyed hash that makes one person one respondent of a period (never stored with
    anything that names them or their answers)."""
    return keyed_hash(
        namespace="respondent", parts=[organization_id, period.isoformat(), person_id]
    )


def round_invitations_reduce(*, round_id: int) -> int:
    """Replace a closed round's invitations by counts; returns how many rows were deleted.

    Idempotent: a second call finds no invitation left and changes nothing. Does nothing for
    a round that is not closed (its links are still in use).
    """
    with transaction.atomic():
        rnd = (
            PulseRound.objects.select_for_update()
            .filter(pk=round_id, status=RoundStatus.CLOSED)
            .first()
        )
        if rnd is None:
            return 0
        invitations = Invitation.objects.filter(round_id=round_id)
        counts = link_counts_by_team(invitations)
        if not counts:
            return 0
        RoundTeamCount.objects.bulk_create(
            [
                RoundTeamCount(
                    organization_id=rnd.organization_id,
                    round_id=round_id,
                    team_id=c["team_id"],
                    invited=c["invited"],
                    sent=c["sent"],
                    answered=c["answered"],
                )
                for c in counts
            ]
        )
        answered = list(
            invitations.filter(used=True, team__isnull=False).values_list("team_id", "person_id")
        )
        keys = [
            PeriodRespondentKey(
                organization_id=rnd.organization_id,
                team_id=team_id,
                period=rnd.period,
                key=respondent_key(
                    organization_id=rnd.organization_id, period=rnd.period, person_id=person_id
                ),
            )
            for team_id, person_id in answered
        ]
        links = [
            ClosedRoundLink(round_id=round_id, token_hash=h)
            for h in invitations.values_list("token_hash", flat=True)
        ]
        # Insertion order carries no person order: shuffle before writing.
        random.shuffle(keys)
        random.shuffle(links)
        PeriodRespondentKey.objects.bulk_create(keys, ignore_conflicts=True)
        ClosedRoundLink.objects.bulk_create(links, ignore_conflicts=True)
        deleted, _ = invitations.delete()
    return deleted


def periods_close_out(
    *, organization: Organization | None = None, now: dt.datetime | None = None
) -> int:
    """Turn the respondent keys of every finished period into counts; returns periods done.

    A period is finished when today (in the org's time zone) is past it and none of the
    org's rounds of that period is still scheduled or open. Idempotent.
    """
    now = now or timezone.now()
    pending = PeriodRespondentKey.objects.all()
    if organization is not None:
        pending = pending.filter(organization=organization)
    pairs = set(pending.values_list("organization_id", "period").distinct())
    orgs = Organization.objects.in_bulk({org_id for org_id, _ in pairs})
    done = 0
    for org_id, period in sorted(pairs):
        org = orgs[org_id]
        today = now.astimezone(org.tz).date()
        if period_start(today, org.reporting_period) <= period:
            continue  # the period is not over
        if (
            PulseRound.objects.filter(organization_id=org_id, period=period)
            .exclude(status=RoundStatus.CLOSED)
            .exists()
        ):
            continue  # a round of the period can still gain answers
        done += _period_close_out(org_id=org_id, period=period)
    return done


def _period_close_out(*, org_id: int, period: dt.date) -> int:
    with transaction.atomic():
        keys = PeriodRespondentKey.objects.select_for_update().filter(
            organization_id=org_id, period=period
        )
        rows = list(keys.values_list("team_id", "key"))
        if not rows:
            return 0
        per_team: dict[int, set[str]] = defaultdict(set)
        for team_id, key in rows:
            per_team[team_id].add(key)
        everyone = {key for _, key in rows}
        PeriodRespondentCount.objects.bulk_create(
            [
                PeriodRespondentCount(
                    organization_id=org_id, team_id=team_id, period=period, people=len(found)
                )
                for team_id, found in sorted(per_team.items())
            ]
            + [
                PeriodRespondentCount(
                    organization_id=org_id, team_id=None, period=period, people=len(everyone)
                )
            ],
            ignore_conflicts=True,
        )
        keys.delete()
    return 1
