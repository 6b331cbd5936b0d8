"""The real objects the authorization matrix opens URLs with, by kind (see authz_table.py).

Acme (BaseTestCase): Engineering (the leader's team) with Platform and Mobile below it (the
facilitator's is Platform), and Sales (no role holder's team); org Other is another tenant.
Kinds name whose object it is: `:own` (Engineering's), `:sub` (Platform's), `:other` (Sales'),
`:foreign` (org Other's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from execution.models import ImportRun
from orgs.models import Membership
from surveys.services.rubrics import rubric_copy
from surveys.services.schedules import schedule_create
from tests.factories import (
    checkin_invite,
    decision_make,
    invitation_token,
    people_make,
    round_make,
)
from tests.workshops.live_factory import poll_make, workshop_make
from workshops.models import Workshop
from workshops.models_commitments import Commitment


def _schedule(org: Any, team: Any, actor: Any) -> Any:
    return schedule_create(
        organization=org,
        actor=actor,
        teams=[team],
        name=f"Pulse of {team.name}",
        cadence="monthly",
        questions_per_round=8,
        open_days=5,
    )


def authz_objects_make(case: Any) -> dict[str, Any]:
    """Every kind -> a URL kwarg value (a pk or a token). `case` is a BaseTestCase class."""
    from surveys.selectors import rubric_active

    org, other = case.org, case.other_org
    people_make(org=org, team=case.eng, n=5)
    people_make(org=org, team=case.platform, n=5)
    people_make(org=org, team=case.sales, n=5)
    people_make(org=other, team=case.other_team, n=5)
    rounds = {
        "own": round_make(org=org, teams=[case.eng], actor=case.owner),
        "sub": round_make(org=org, teams=[case.platform], actor=case.owner),
        "other": round_make(org=org, teams=[case.sales], actor=case.owner),
        "foreign": round_make(org=other, teams=[case.other_team], actor=case.outsider),
    }
    decisions = {
        "own": decision_make(org=org, teams=[case.eng], actor=case.owner),
        "sub": decision_make(org=org, teams=[case.platform], actor=case.owner),
        "other": decision_make(org=org, teams=[case.sales], actor=case.owner),
        "foreign": decision_make(org=other, teams=[case.other_team], actor=case.outsider),
    }
    schedules = {
        "own": _schedule(org, case.eng, case.owner),
        "sub": _schedule(org, case.platform, case.owner),
        "other": _schedule(org, case.sales, case.owner),
        "foreign": _schedule(other, case.other_team, case.outsider),
    }
    teams = {"own": case.eng, "sub": case.platform, "other": case.sales, "foreign": case.other_team}
    people = {
        "own": case.eng.people.order_by("id").first(),
        "sub": case.member_person,
        "other": case.sales.people.order_by("id").first(),
        "foreign": case.other_person,
    }
    memberships = {
        "own": Membership.objects.get(user=case.leader, organization=org),
        "sub": Membership.objects.get(user=case.facilitator, organization=org),
        "other": Membership.objects.get(user=case.member, organization=org),
        "foreign": Membership.objects.get(user=case.outsider, organization=other),
    }
    rubrics = {
        "own": rubric_copy(organization=org, source=rubric_active(organization=org), actor=None),
        "foreign": rubric_copy(
            organization=other, source=rubric_active(organization=other), actor=None
        ),
    }
    workshops = {
        whose: Workshop.objects.create(
            organization=team.organization, team=team, title=f"Workshop {whose}"
        )
        for whose, team in teams.items()
    }
    commitments = {
        whose: Commitment.objects.create(
            organization=w.organization,
            workshop=w,
            what=f"Commitment {whose}",
            owner=people[whose],
            due_on=dt.date.today() + dt.timedelta(days=14),
            created_at=timezone.now(),
        )
        for whose, w in workshops.items()
    }
    imports = {
        whose: ImportRun.objects.create(organization=o, kind="items", file_name="items.csv")
        for whose, o in (("own", org), ("foreign", other))
    }
    kinds: dict[str, Any] = {}
    for name, objects in (
        ("import", imports),
        ("workshop", workshops),
        ("commitment", commitments),
        ("round", rounds),
        ("decision", decisions),
        ("schedule", schedules),
        ("team", teams),
        ("person", people),
        ("membership", memberships),
        ("rubric", rubrics),
    ):
        for whose, obj in objects.items():
            kinds[f"{name}:{whose}"] = obj.pk
    # Live workshops (h-wslive): the facilitator's (Platform), Sales' and another org's.
    live = {
        "sub": workshop_make(org=org, team=case.platform, facilitator=case.facilitator),
        "other": workshop_make(org=org, team=case.sales),
        "foreign": workshop_make(org=other, team=case.other_team, facilitator=case.outsider),
    }
    for whose, ws in live.items():
        kinds[f"liveworkshop:{whose}"] = ws.pk
        kinds[f"livecode:{whose}"] = ws.join_code
    kinds["livepoll:sub"] = poll_make(workshop=live["sub"], kind="agree").pk
    kinds["survey_token"] = invitation_token(rounds["sub"].invitations.order_by("id").first())
    kinds["checkin_token"] = checkin_invite(decision=decisions["sub"], person=case.member_person)
    kinds["reset_uid"] = urlsafe_base64_encode(force_bytes(case.member.pk))
    kinds["reset_token"] = default_token_generator.make_token(case.member)
    return kinds
