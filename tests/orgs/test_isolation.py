"""Tenant isolation: an admin of org B reaches none of org A's objects, through any page or
endpoint of the set-up area (the routes are read from the URL resolver, not listed by hand)."""

from __future__ import annotations

from rest_framework.test import APIClient

from orgs.models import Membership, Person, Team
from tests.base import BaseTestCase
from tests.factories import api_token_make
from tests.orgs.helpers import urls_for


class UiIsolationTests(BaseTestCase):
    def test_every_object_page_is_404_for_another_orgs_admin(self) -> None:
        self.login(self.outsider)
        checked = 0
        for name, url, has_object in urls_for("orgs", self.org):
            if not has_object:
                continue
            for method in ("get", "post"):
                r = getattr(self.client, method)(url)
                if r.status_code == 405:
                    continue
                self.assertEqual(r.status_code, 404, f"{method.upper()} {name} {url}")
                checked += 1
        self.assertGreaterEqual(checked, 8)
        # Nothing of Acme changed on the way.
        self.assertTrue(Person.objects.filter(pk=self.member_person.pk, is_active=True).exists())
        self.assertTrue(Team.objects.filter(pk=self.eng.pk, is_active=True).exists())

    def test_lists_show_only_the_own_orgs_objects(self) -> None:
        self.login(self.outsider)
        r = self.client.get("/setup/people/?status=all")
        self.assertContains(r, "Otto Other")
        self.assertNotContains(r, "Mia Member")
        r = self.client.get("/setup/teams/")
        self.assertContains(r, "Other team")
        self.assertNotContains(r, "Platform")
        r = self.client.get("/setup/roles/")
        self.assertNotContains(r, "facilitator@example.com")

    def test_people_filter_by_another_orgs_team_is_refused(self) -> None:
        self.login(self.outsider)
        r = self.client.get(f"/setup/people/?team={self.platform.pk}")
        self.assertEqual(r.status_code, 400)
        self.assertNotContains(r, "Mia Member", status_code=400)

    def test_role_grant_cannot_name_another_orgs_team(self) -> None:
        self.login(self.outsider)
        r = self.client.post(
            "/setup/roles/",
            {"email": "otto@other.example", "role": "leader", "teams": [self.platform.pk]},
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(
            Membership.objects.filter(organization=self.other_org, teams=self.platform).exists()
        )


class ApiIsolationTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        key = api_token_make(user=self.outsider)
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def test_every_object_endpoint_is_404_for_another_orgs_admin(self) -> None:
        checked = 0
        for name, url, has_object in urls_for("orgsapi", self.org):
            if not has_object:
                continue
            for method in ("get", "patch", "put", "delete"):
                r = getattr(self.api, method)(url, {}, format="json")
                if r.status_code == 405:
                    continue
                self.assertEqual(r.status_code, 404, f"{method.upper()} {name} {url}")
                checked += 1
        self.assertGreaterEqual(checked, 10)
        self.assertTrue(Person.objects.filter(pk=self.member_person.pk).exists())

    def test_lists_and_organization_are_the_callers_own(self) -> None:
        self.assertEqual(self.api.get("/api/v1/organization/").json()["slug"], "other")
        names = [t["name"] for t in self.api.get("/api/v1/teams/").json()["results"]]
        self.assertEqual(names, ["Other team"])
        emails = [p["email"] for p in self.api.get("/api/v1/people/").json()["results"]]
        self.assertEqual(emails, ["otto@other.example"])
        users = [m["username"] for m in self.api.get("/api/v1/memberships/").json()["results"]]
        self.assertEqual(users, ["outsider"])

    def test_another_orgs_team_as_parent_is_a_400_naming_parent(self) -> None:
        r = self.api.post(
            "/api/v1/teams/", {"name": "Sneaky", "parent": self.eng.pk}, format="json"
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("parent", r.json())
        # Same answer as for an id that does not exist at all: nothing leaks.
        r2 = self.api.post("/api/v1/teams/", {"name": "Sneaky", "parent": 999999}, format="json")
        self.assertEqual(r.json(), {"parent": [f"No such team: {self.eng.pk}."]})
        self.assertEqual(r2.json(), {"parent": ["No such team: 999999."]})

    def test_another_orgs_team_for_a_person_is_a_400_naming_team(self) -> None:
        r = self.api.post(
            "/api/v1/people/",
            {"name": "X", "email": "x@other.example", "team": self.platform.pk},
            format="json",
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("team", r.json())

    def test_filtering_by_another_orgs_team_returns_nothing(self) -> None:
        r = self.api.get(f"/api/v1/people/?team={self.platform.pk}")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["count"], 0)
        r = self.api.get(f"/api/v1/teams/?parent={self.eng.pk}")
        self.assertEqual(r.json()["count"], 0)
