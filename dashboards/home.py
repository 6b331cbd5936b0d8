"""An employee's home: their own open survey and check-in links, their team's released results.

Only the signed-in person's own invitations are listed, and only unused, still-open ones: the
page never says whether a past link was answered (to the person it would be harmless, but the
same rows must never reach anyone else, so nothing here is reusable for another viewer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class EmployeeHome:
    person: Person | None
    surveys: list[dict[str, Any]] = field(default_factory=list)
    checkins: list[dict[str, Any]] = field(default_factory=list)
    team_name: str = ""
    results_allowed: bool = False
    results_period: str = ""
    results: list[Cell] = field(default_factory=list)


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
