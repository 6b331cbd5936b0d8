"""The shared base test case: one org with an admin (owner), a leader, a facilitator, an
employee (member), and an outsider who belongs to another organization. Built with
tests.factories; use those for anything a test needs beyond this cast."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from orgs.models import Organization, Person, Role, Team
from tests.factories import PASSWORD, org_make, person_make, team_make, user_make

__all__ = ["PASSWORD", "BaseTestCase", "make_user"]


def make_user(
    username: str,
    org: Organization | None = None,
    role: str | None = None,
    teams: list[Team] | None = None,
) -> Any:
    """Positional shorthand of tests.factories.user_make (kept for existing tests)."""
    return user_make(username=username, org=org, role=role, teams=teams or ())


class BaseTestCase(TestCase):
    """Org "Acme" (k = 5): Engineering (Platform, Mobile) and Sales; org "Other" for the outsider.

    owner: admin · leader: leads Engineering (so Platform and Mobile too) · facilitator:
    facilitates Platform · member: employee, person "Mia Member" of Platform · outsider:
    admin of Other, which has one team and one person (Otto Other).
    """

    org: Organization
    eng: Team
    platform: Team
    mobile: Team
    sales: Team
    owner: Any
    leader: Any
    facilitator: Any
    member: Any
    member_person: Person
    other_org: Organization
    other_team: Team
    other_person: Person
    outsider: Any

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = org_make(name="Acme", slug="acme")
        cls.eng = team_make(org=cls.org, name="Engineering")
        cls.platform = team_make(org=cls.org, name="Platform", parent=cls.eng)
        cls.mobile = team_make(org=cls.org, name="Mobile", parent=cls.eng)
        cls.sales = team_make(org=cls.org, name="Sales")

        cls.owner = user_make(username="owner", org=cls.org, role=Role.ADMIN)
        cls.leader = user_make(username="leader", org=cls.org, role=Role.LEADER, teams=[cls.eng])
        cls.facilitator = user_make(
            username="facilitator", org=cls.org, role=Role.FACILITATOR, teams=[cls.platform]
        )
        cls.member = user_make(username="member", org=cls.org, role=Role.EMPLOYEE)
        cls.member_person = person_make(
            org=cls.org,
            name="Mia Member",
            email="member@example.com",
            team=cls.platform,
            user=cls.member,
        )

        cls.other_org = org_make(name="Other", slug="other")
        cls.other_team = team_make(org=cls.other_org, name="Other team")
        cls.other_person = person_make(
            org=cls.other_org, name="Otto Other", email="otto@other.example", team=cls.other_team
        )
        cls.outsider = user_make(username="outsider", org=cls.other_org, role=Role.ADMIN)

    def login(self, user: Any) -> None:
        self.client.force_login(user)
