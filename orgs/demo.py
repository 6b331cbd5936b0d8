"""Demo organization: departments, teams, people, logins, and each team's planted latent profile.

Other apps' demo seeders read TEAM_PROFILES so their data (pulse answers, decisions,
execution metrics) share one story: teams where decisions don't hold also act late.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from core.registry import demo_seeders
from orgs.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from orgs.models import Membership, Organization, Person, Team

DEMO_SLUG = "northwind"


@dataclass(frozen=True)
class TeamProfile:
    """The planted truth for one demo team (values on a 0..1 scale, 0.5 = middling)."""

    department: str
    size: int
    base: float  # overall trust level
    # Per-dimension offsets from base (keys are rubric dimension keys).
    dims: dict[str, float] = field(default_factory=dict)
    trend: float = 0.0  # change of base per period (positive = improving)
    execution: float = 0.5  # execution health level; follows trust by construction
    # A team inside another team (not directly under its department): a small group below a
    # team with its own people needs no complementary suppression of a sibling.
    parent: str | None = None


# Decision stability and authority to act are the planted weak spots of some teams.
TEAM_PROFILES: dict[str, TeamProfile] = {
    "Discovery": TeamProfile("Product", 14, 0.62, {"decision_stability": -0.05}, 0.00, 0.64),
    "Growth": TeamProfile(
        "Product", 16, 0.38, {"decision_stability": -0.22, "authority_to_act": -0.18}, -0.02, 0.30
    ),
    "Design": TeamProfile("Product", 10, 0.66, {"support_consistency": 0.06}, 0.01, 0.68),
    "Product Ops": TeamProfile("Product", 10, 0.55, {}, 0.00, 0.55),
    "Platform": TeamProfile("Engineering", 18, 0.70, {"handoff_context": 0.05}, 0.01, 0.74),
    "Payments": TeamProfile(
        "Engineering", 13, 0.42, {"decision_stability": -0.2, "follow_through": -0.12}, 0.03, 0.36
    ),
    "Mobile": TeamProfile("Engineering", 14, 0.52, {"authority_to_act": -0.15}, -0.01, 0.48),
    "Data": TeamProfile("Engineering", 11, 0.60, {"ownership_clarity": 0.05}, 0.02, 0.62),
    "Customer Support": TeamProfile(
        "Operations", 22, 0.46, {"constructive_failure": -0.2}, 0.00, 0.44
    ),
    "Sales Ops": TeamProfile("Operations", 14, 0.57, {"handoff_context": -0.12}, 0.00, 0.55),
    "Finance": TeamProfile("Operations", 9, 0.64, {}, 0.00, 0.66),
    "People": TeamProfile("Operations", 8, 0.68, {"support_consistency": 0.05}, 0.01, 0.70),
    # Small teams, to show suppression: each sits below a larger team with its own people.
    "UX Research": TeamProfile("Product", 3, 0.6, {}, 0.0, 0.6, parent="Design"),
    "Security": TeamProfile("Engineering", 4, 0.62, {}, 0.0, 0.62, parent="Platform"),
    "Legal": TeamProfile("Operations", 3, 0.6, {}, 0.0, 0.6, parent="Finance"),
}
DEPARTMENTS = ["Product", "Engineering", "Operations"]

_FIRST = [
    "Ada",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
    "Amir",
    "Bea",
    "Cem",
    "Dana",
    "Emeka",
    "Freya",
    "Goran",
    "Ines",
    "Jonas",
    "Kira",
    "Luca",
    "Maya",
    "Noor",
    "Otto",
]
_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Patel",
    "Yilmaz",
    "Haddad",
    "Novak",
    "Tanaka",
    "Silva",
    "Kowalski",
    "Mensah",
    "Fischer",
    "Costa",
    "Nguyen",
    "Rossi",
    "Dubois",
    "Kim",
    "Ahmed",
    "Jensen",
    "Garcia",
    "Ivanova",
    "Brennan",
    "Sato",
    "Mwangi",
    "Larsen",
    "Santos",
    "Weber",
]
_LOCATIONS = ["Berlin", "Lisbon", "Remote", "Toronto"]
_TENURE = ["<1y", "1-3y", "3-5y", "5y+"]
# Where the people of the larger teams sit and how long they have been there: (location,
# tenure band or None for a random one, head count), in the team's order of people. An
# answer keeps an attribute only where at least k invitees of its team share the value
# (surveys.services.responses.response_attributes_shared): with people spread at random
# over four cities no team kept any, and the overview's attribute filter had nothing to
# filter. So some teams sit in one or two cities and share a tenure band, as real teams
# do, and the demo leader can filter Product by location; the small teams and the mixed
# ones (random places) still show the refusal.
PEOPLE_MIX: dict[str, tuple[tuple[str, str | None, int], ...]] = {
    "Discovery": (("Berlin", "1-3y", 7), ("Berlin", "3-5y", 7)),
    "Growth": (("Berlin", "3-5y", 10), ("Berlin", "<1y", 6)),
    "Design": (("Lisbon", None, 10),),
    "Product Ops": (("Lisbon", None, 10),),
    "Platform": (("Berlin", "1-3y", 9), ("Berlin", "3-5y", 9)),
    "Payments": (("Toronto", None, 13),),
    "Mobile": (("Berlin", None, 7), ("Toronto", None, 7)),
    "Customer Support": (
        ("Lisbon", "<1y", 6),
        ("Lisbon", "1-3y", 5),
        ("Toronto", "<1y", 5),
        ("Toronto", "5y+", 6),
    ),
    "Sales Ops": (("Toronto", None, 14),),
}


def _mix(name: str, size: int) -> list[tuple[str | None, str | None]]:
    """Per person of the team: (location, tenure band), None where the draw decides."""
    plan: list[tuple[str | None, str | None]] = [
        (loc, band) for loc, band, n in PEOPLE_MIX.get(name, ()) for _ in range(n)
    ]
    unplanned: list[tuple[str | None, str | None]] = [(None, None)] * size
    return (plan + unplanned)[:size]


def _or(planned: str | None, drawn: str) -> str:
    return planned if planned is not None else drawn


def demo_org_exists() -> bool:
    return Organization.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_org_delete() -> None:
    """Delete the demo org and everything in it, all or nothing.

    Other apps' rows go first, each through its own registered reset (last seeded, first
    deleted): anonymous responses and rounds PROTECT teams, items and rubric versions.
    Then teams, which protect their children, are unhooked and the org deleted.
    """
    org = Organization.objects.filter(slug=DEMO_SLUG).first()
    if org is None:
        return
    User = get_user_model()
    user_ids = list(Membership.objects.filter(organization=org).values_list("user_id", flat=True))
    for seeder in sorted(demo_seeders, key=lambda s: s.order, reverse=True):
        seeder.reset(org)
    Person.objects.filter(organization=org).delete()
    Team.objects.filter(organization=org).update(parent=None)
    org.delete()
    User.objects.filter(pk__in=user_ids, memberships__isnull=True).delete()


def demo_seed_apps(
    *,
    org: Organization,
    seed: int,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Run every app's registered demo seeder in its declared order (after the org exists)."""
    for key, seeder in sorted(demo_seeders.items(), key=lambda kv: kv[1].order):
        # Each app gets its own stream so adding data to one app never shifts another's.
        rng = random.Random(f"{seed}:{key}.demo")
        seeder.seed(org=org, rng=rng, periods=periods, today=today, log=log)


@transaction.atomic
def demo_org_create(*, rng: random.Random, today: dt.date) -> Organization:
    """Create the demo org with ~160 people in 15 teams under 3 departments, and the logins."""
    org = Organization.objects.create(
        name="Northwind Labs",
        slug=DEMO_SLUG,
        reporting_period="month",
        anonymity_k=5,
        time_zone="Europe/Berlin",
    )
    depts = {name: Team.objects.create(organization=org, name=name) for name in DEPARTMENTS}
    teams: dict[str, Team] = {}
    for name, prof in TEAM_PROFILES.items():
        # Profiles list a parent team before the teams inside it.
        parent = teams[prof.parent] if prof.parent else depts[prof.department]
        teams[name] = Team.objects.create(organization=org, name=name, parent=parent)

    used: set[str] = set()
    people: list[Person] = []
    for name, prof in TEAM_PROFILES.items():
        for planned_location, planned_band in _mix(name, prof.size):
            while True:
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                if (first, last) not in used:
                    used.add((first, last))  # type: ignore[arg-type]
                    break
            email = f"{first.lower().replace('é', 'e')}.{last.lower()}@northwind.example"
            people.append(
                Person(
                    organization=org,
                    name=f"{first} {last}",
                    email=email,
                    team=teams[name],
                    external_id=f"NW{len(people) + 1:04d}",
                    # Both draws are made always, so the names drawn after stay the same.
                    attributes={
                        "location": _or(planned_location, rng.choice(_LOCATIONS)),
                        "tenure_band": _or(planned_band, rng.choice(_TENURE)),
                    },
                )
            )
    Person.objects.bulk_create(people)

    User = get_user_model()

    def login(username: str, first: str, last: str, role: str, team_names: list[str]) -> None:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@northwind.example",
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        membership = Membership.objects.create(user=user, organization=org, role=role)
        if team_names:
            membership.teams.set([depts.get(n) or teams[n] for n in team_names])

    for d in DEMO_LOGINS:  # the same list the `make run` banner prints
        login(d.username, d.first_name, d.last_name, d.role, list(d.teams))
    # The employee login is also a person of the Growth team (their own record for GDPR export).
    emp = Person.objects.filter(organization=org, team=teams["Growth"]).order_by("id").first()
    if emp is not None:
        emp.user = User.objects.get(username="employee")
        emp.save(update_fields=["user"])
    return org
