"""Close check-in windows: per-person invitations become counts; k counts people per decision.

A check-in *window* is one (decision, offset): its links can be answered for
CHECKIN_ANSWER_DAYS after sending. Once every link of a window is past that (an unsent one
counts from its creation: it is given up), the window's invitations are replaced by
per-team counts (:class:`~decisions.models_counts.CheckInWindowCount`), person-free link
hashes and, for those who answered, a keyed hash HMAC(SECRET_KEY, org:decision:person)
(:class:`~decisions.models_counts.DecisionRespondentKey`), then deleted. The keys make a
stakeholder who answers at +7 and at +30 one respondent of the decision; once no window of
the decision can open any more, they are replaced by the number of people
(:class:`~decisions.models_counts.DecisionRespondentCount`). The close also leaves, per
team and period of the window, HMAC(SECRET_KEY, org:period:person) keys
(:class:`~decisions.models_counts.CheckInPeriodRespondentKey`): the people of a check-in
team × period cell (decisions.stability_release).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.links import keyed_hash, link_counts_by_team
from decisions.checkins import (
    CHECKIN_ANSWER_DAYS,
    CHECKIN_GRACE_DAYS,
    checkin_window_period,
    org_offsets,
)
from decisions.models import (
    CLOSED_STATUSES,
    CheckInInvitation,
    CheckInPeriodRespondentKey,
    CheckInWindowCount,
    ClosedCheckInLink,
    Decision,
    DecisionRespondentCount,
    DecisionRespondentKey,
)
from orgs.models import Organization

# A closed window must never be created again by checkins_create_due, which only creates
# invitations within CHECKIN_GRACE_DAYS of the due day.
assert CHECKIN_ANSWER_DAYS > CHECKIN_GRACE_DAYS


def decision_respondent_key(*, organization_id: int, decision_id: int, person_id: int) -> str:
    return keyed_hash(
        namespace="checkin-respondent", parts=[organization_id, decision_id, person_id]
    )


def checkin_period_key(*, organization_id: int, period: dt.date, person_id: int) -> str:
    """The keyed hash that makes one person one respondent of a team × period of check-ins."""
    return keyed_hash(
        namespace="checkin-period-respondent",
        parts=[organization_id, period.isoformat(), person_id],
    )


def checkin_period_keys(
    *, org: Organization, invitations: QuerySet[CheckInInvitation], decision_id: int
) -> list[CheckInPeriodRespondentKey]:
    """People keys of used invitations of one decision: team × period of each window."""
    decided_on = (
        Decision.objects.filter(pk=decision_id).values_list("decided_on", flat=True).first()
    )
    if decided_on is None:
        return []
    out = []
    for team_id, person_id, offset in invitations.values_list(
        "team_id", "person_id", "offset_days"
    ):  # one row per person who answered the window
        period = checkin_window_period(
            decided_on=decided_on, offset_days=offset, kind=org.reporting_period
        )
        out.append(
            CheckInPeriodRespondentKey(
                organization=org,
                team_key=team_id or 0,
                period=period,
                key=checkin_period_key(organization_id=org.pk, period=period, person_id=person_id),
            )
        )
    return out


def checkin_windows_close(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Reduce every closed window of the org's decisions to counts; returns windows closed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=CHECKIN_ANSWER_DAYS)
    windows = (
        CheckInInvitation.objects.filter(organization=org, decision__isnull=False)
        .values("decision_id", "offset_days")
        .annotate(last=Max(Coalesce("sent_at", "created_at")))
        .filter(last__lt=cutoff)
        .order_by("decision_id", "offset_days")
    )
    closed = 0
    for w in list(windows):
        closed += _window_close(
            org=org, decision_id=w["decision_id"], offset_days=w["offset_days"], cutoff=cutoff
        )
    decisions_close_out(org=org, now=now)
    return closed


def _window_close(
    *, org: Organization, decision_id: int, offset_days: int, cutoff: dt.datetime
) -> int:
    with transaction.atomic():
        scope = CheckInInvitation.objects.filter(decision_id=decision_id, offset_days=offset_days)
        # Lock the rows first: PostgreSQL refuses FOR UPDATE on the GROUP BY below.
        locked = list(scope.select_for_update().values_list("pk", flat=True))
        invitations = CheckInInvitation.objects.filter(pk__in=locked)
        # Re-checked under the lock: a link sent since the listing keeps the window open.
        if invitations.filter(
            Q(sent_at__gte=cutoff) | Q(sent_at__isnull=True, created_at__gte=cutoff)
        ).exists():
            return 0
        counts = link_counts_by_team(invitations)
        if not counts:
            return 0
        CheckInWindowCount.objects.bulk_create(
            [
                CheckInWindowCount(
                    organization=org,
                    decision_id=decision_id,
                    offset_days=offset_days,
                    team_id=c["team_id"],
                    invited=c["invited"],
                    sent=c["sent"],
                    answered=c["answered"],
                )
                for c in counts
            ],
            ignore_conflicts=True,
        )
        keys = [
            DecisionRespondentKey(
                organization=org,
                decision_id=decision_id,
                key=decision_respondent_key(
                    organization_id=org.pk, decision_id=decision_id, person_id=pid
                ),
            )
            for pid in invitations.filter(used=True).values_list("person_id", flat=True)
        ]
        links = [
            ClosedCheckInLink(decision_id=decision_id, token_hash=h)
            for h in invitations.values_list("token_hash", flat=True)
        ]
        period_keys = checkin_period_keys(
            org=org, invitations=invitations.filter(used=True), decision_id=decision_id
        )
        random.shuffle(keys)  # insertion order carries no person order
        random.shuffle(links)
        random.shuffle(period_keys)
        DecisionRespondentKey.objects.bulk_create(keys, ignore_conflicts=True)
        CheckInPeriodRespondentKey.objects.bulk_create(period_keys, ignore_conflicts=True)
        ClosedCheckInLink.objects.bulk_create(links, ignore_conflicts=True)
        invitations.delete()
    return 1


def decisions_close_out(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Replace the keys of decisions no window of which can open any more by a count."""
    today = timezone.localtime(now or timezone.now(), org.tz).date()
    last_due = dt.timedelta(days=max(org_offsets(org)) + CHECKIN_GRACE_DAYS)
    pending = set(
        DecisionRespondentKey.objects.filter(organization=org).values_list("decision_id", flat=True)
    )
    done = 0
    for decision in Decision.objects.filter(pk__in=pending).order_by("pk"):
        if decision.status not in CLOSED_STATUSES and decision.decided_on + last_due >= today:
            continue  # a later window may still open
        if CheckInInvitation.objects.filter(decision=decision).exists():
            continue  # a window is still open
        with transaction.atomic():
            keys = DecisionRespondentKey.objects.select_for_update().filter(decision=decision)
            people = keys.count()
            DecisionRespondentCount.objects.update_or_create(
                decision=decision, defaults={"organization": org, "people": people}
            )
            keys.delete()
        done += 1
    return done
