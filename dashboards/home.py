"""An employee's home: their own open survey and check-in links, their team's released results
(when the org allows it) and their team's workshop commitments.

Only the signed-in person's own invitations are listed, and only unused, still-open ones: the
page never says whether a past link was answered (to the person it would be harmless, but the
same rows must never reach anyone else, so nothing here is reusable for another viewer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dashboards.selectors import Cell, row_cells
from decisions.checkins import CHECKIN_ANSWER_DAYS, CHECKIN_LINK
from decisions.models import CheckInInvitation
from orgs.models import Person
from orgs.periods import period_label
from orgs.tenancy import Tenant
from scoring.selectors import results_for_teams
from surveys.links import PULSE_LINK
from surveys.models import Invitation, RoundStatus
from workshops.models_commitments import Commitment, CommitmentStatus

COMMITMENTS_LISTED = 10
DONE_SHOWN_DAYS = 60


def team_commitments(*, team_id: int | None, org: Any, now: dt.datetime) -> list[Commitment]:
    """What the person's own team agreed in its workshops: open and slipped ones, and those
    done in the last two months (named commitments, not answers: no k). One query."""
    if team_id is None:
        return []
    recent = now - dt.timedelta(days=DONE_SHOWN_DAYS)
    return list(
        Commitment.objects.filter(organization=org, workshop__team_id=team_id)
        .filter(
            Q(status__in=[CommitmentStatus.OPEN, CommitmentStatus.SLIPPED])
            | Q(status=CommitmentStatus.DONE, done_at__gte=recent)
        )
        .select_related("owner")
        .order_by("due_on", "id")[:COMMITMENTS_LISTED]
    )


@dataclass
class EmployeeHome:
    person: Person | None
    surveys: list[dict[str, Any]] = field(default_factory=list)
    checkins: list[dict[str, Any]] = field(default_factory=list)
    team_name: str = ""
    results_allowed: bool = False
    results_period: str = ""
    results: list[Cell] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)


def employee_home(*, tenant: Tenant, user: Any, now: dt.datetime | None = None) -> EmployeeHome:
    """What the signed-in person may do now and, if the org allows, their team's results."""
    now = now or timezone.now()
    person = (
        Person.objects.filter(organization=tenant.org, user=user).select_related("team").first()
    )
    home = EmployeeHome(person=person)
    if person is None:
        return home
    home.team_name = person.team.name if person.team else ""
    open_rounds = Invitation.objects.filter(
        person=person,
        used=False,
        sent_at__isnull=False,
        round__status=RoundStatus.OPEN,
        round__closes_at__gt=now,
    ).select_related("round")
    for inv in open_rounds.order_by("round__closes_at"):
        home.surveys.append(
            {
                "title": inv.round.title,
                "closes_at": inv.round.closes_at,
                "url": PULSE_LINK.url(inv),
            }
        )
    checkins = CheckInInvitation.objects.filter(
        person=person,
        used=False,
        sent_at__gt=now - dt.timedelta(days=CHECKIN_ANSWER_DAYS),
        decision__isnull=False,
    ).select_related("decision")
    for ci in checkins.order_by("sent_at"):
        home.checkins.append(
            {
                "title": ci.decision.title if ci.decision else "",
                "url": CHECKIN_LINK.url(ci),
            }
        )
    home.commitments = team_commitments(team_id=person.team_id, org=tenant.org, now=now)
    home.results_allowed = bool(
        tenant.org.employees_see_team_results and person.team_id is not None
    )
    if home.results_allowed and person.team_id is not None:
        res = results_for_teams(tenant=tenant, team_ids=[person.team_id])
        rows = [r for r in res.rows if r.team_id == person.team_id]
        if rows:
            last = rows[-1]
            home.results_period = period_label(last.period, tenant.org.reporting_period)
            home.results = row_cells(last, res)
    return home
