"""The shared base test case: one org with an admin (owner), a leader, a facilitator, an
employee (member), and an outsider who belongs to another organization."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import TestCase

from orgs.models import Membership, Organization, Person, Role, Team

PASSWORD = "correct horse battery staple"


def make_user(
    username: str,
    org: Organization | None = None,
    role: str | None = None,
    teams: list[Team] | None = None,
) -> Any:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD
    )
    if org is not None and role is not None:
        m = Membership.objects.create(user=user, organization=org, role=role)
        if teams:
            m.teams.set(teams)
    return user


class BaseTestCase(TestCase):
    """Org "Acme": Engineering (Platform, Mobile) and Sales; org "Other" for the outsider."""

    org: Organization
    other_org: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = Organization.objects.create(name="Acme", slug="acme", anonymity_k=5)
        cls.eng = Team.objects.create(organization=cls.org, name="Engineering")
        cls.platform = Team.objects.create(organization=cls.org, name="Platform", parent=cls.eng)
        cls.mobile = Team.objects.create(organization=cls.org, name="Mobile", parent=cls.eng)
        cls.sales = Team.objects.create(organization=cls.org, name="Sales")

        cls.owner = make_user("owner", cls.org, Role.ADMIN)
        cls.leader = make_user("leader", cls.org, Role.LEADER, [cls.eng])
        cls.facilitator = make_user("facilitator", cls.org, Role.FACILITATOR, [cls.platform])
        cls.member = make_user("member", cls.org, Role.EMPLOYEE)
        cls.member_person = Person.objects.create(
            organization=cls.org,
            name="Mia Member",
            email="member@example.com",
            team=cls.platform,
            user=cls.member,
        )

        cls.other_org = Organization.objects.create(name="Other", slug="other")
        cls.other_team = Team.objects.create(organization=cls.other_org, name="Other team")
        cls.other_person = Person.objects.create(
            organization=cls.other_org,
            name="Otto Other",
            email="otto@other.example",
            team=cls.other_team,
        )
        cls.outsider = make_user("outsider", cls.other_org, Role.ADMIN)

    def login(self, user: Any) -> None:
        self.client.force_login(user)
