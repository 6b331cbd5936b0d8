"""People pages and API: list with search, team filter and pages; create, edit, deactivate."""

from __future__ import annotations

from rest_framework.test import APIClient

from core.models import AuditEntry
from orgs.models import Person, Team
from tests.base import BaseTestCase
from tests.factories import person_make


class PeoplePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_search_and_team_filter(self) -> None:
        person_make(org=self.org, name="Sam Sales", team=self.sales)
        r = self.client.get("/setup/people/?q=sam")
        self.assertContains(r, "Sam Sales")
        self.assertNotContains(r, "Mia Member")
        r = self.client.get(f"/setup/people/?team={self.platform.pk}")
        self.assertContains(r, "Mia Member")
        self.assertNotContains(r, "Sam Sales")

    def test_the_list_is_paginated(self) -> None:
        Person.objects.bulk_create(
            Person(organization=self.org, name=f"Zed {i:03d}", email=f"z{i}@example.com")
            for i in range(60)
        )
        r = self.client.get("/setup/people/?q=zed")
        self.assertContains(r, "Page 1 of 2 (60 in all)")
        self.assertContains(r, "Zed 049")
        self.assertNotContains(r, "Zed 050")
        r = self.client.get("/setup/people/?q=zed&page=2")
        self.assertContains(r, "Zed 059")
        self.assertContains(r, 'href="?q=zed&amp;page=1"')
        self.assertEqual(self.client.get("/setup/people/?page=abc").status_code, 200)

    def test_create_edit_and_deactivate(self) -> None:
        r = self.client.post(
            "/setup/people/new/",
            {
                "name": "Ann Ames",
                "email": "Ann@Example.com",
                "team": self.sales.pk,
                "tenure_band": "<1y",
            },
        )
        self.assertRedirects(r, "/setup/people/")
        ann = Person.objects.get(organization=self.org, email="ann@example.com")
        self.assertEqual((ann.team, ann.attributes), (self.sales, {"tenure_band": "<1y"}))
        self.client.post(
            f"/setup/people/{ann.pk}/",
            {"name": "Ann B. Ames", "email": "ann@example.com", "team": "", "location": "Lisbon"},
        )
        ann.refresh_from_db()
        self.assertEqual(
            (ann.name, ann.team, ann.attributes), ("Ann B. Ames", None, {"location": "Lisbon"})
        )
        self.client.post(f"/setup/people/{ann.pk}/status/", {"action": "deactivate"})
        ann.refresh_from_db()
        self.assertFalse(ann.is_active)
        self.assertNotContains(self.client.get("/setup/people/"), ">Ann B. Ames</a>")
        self.assertContains(self.client.get("/setup/people/?status=inactive"), ">Ann B. Ames</a>")
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_id=str(ann.pk))
                .order_by("id")
                .values_list("action", flat=True)
            ),
            ["orgs.person.created", "orgs.person.updated", "orgs.person.deactivated"],
        )

    def test_bad_input_names_the_field(self) -> None:
        r = self.client.post("/setup/people/new/", {"name": "", "email": "nope", "team": "999999"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(set(r.context["form"].errors), {"name", "email", "team"})
        r = self.client.post("/setup/people/new/", {"name": "Dup", "email": "MEMBER@example.com"})
        self.assertContains(r, "already has this email", status_code=400)

    def test_editing_someone_in_a_deactivated_team_keeps_their_team(self) -> None:
        Team.objects.filter(pk=self.sales.pk).update(is_active=False)
        sam = person_make(org=self.org, name="Sam", team=self.sales)
        r = self.client.get(f"/setup/people/{sam.pk}/")
        self.assertContains(r, "Sales (deactivated)")
        r = self.client.post(
            f"/setup/people/{sam.pk}/",
            {"name": "Sam S", "email": "sam@example.com", "team": self.sales.pk},
        )
        self.assertRedirects(r, "/setup/people/")
        sam.refresh_from_db()
        self.assertEqual((sam.name, sam.team), ("Sam S", self.sales))
        r = self.client.get(f"/setup/people/?team={self.sales.pk}")
        self.assertContains(r, ">Sam S</a>")

    def test_the_same_email_is_fine_in_another_org(self) -> None:
        r = self.client.post("/setup/people/new/", {"name": "Otto", "email": "otto@other.example"})
        self.assertRedirects(r, "/setup/people/")


class PeopleApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.owner)

    def test_crud_search_and_filter(self) -> None:
        r = self.api.post(
            "/api/v1/people/",
            {
                "name": "Ann",
                "email": "ann@example.com",
                "team": self.sales.pk,
                "attributes": {"location": "Berlin"},
            },
            format="json",
        )
        self.assertEqual(r.status_code, 201, r.json())
        pid = r.json()["id"]
        self.assertEqual(self.api.get("/api/v1/people/?search=ann").json()["count"], 1)
        self.assertEqual(self.api.get(f"/api/v1/people/?team={self.sales.pk}").json()["count"], 1)
        r = self.api.patch(f"/api/v1/people/{pid}/", {"is_active": False}, format="json")
        self.assertFalse(r.json()["is_active"])
        self.assertEqual(self.api.get("/api/v1/people/?is_active=true").json()["count"], 1)
        self.assertEqual(self.api.get(f"/api/v1/people/{pid}/").json()["team"], self.sales.pk)

    def test_bad_input_is_a_400_naming_the_field(self) -> None:
        for payload, field in (
            ({"name": "A", "email": "not-an-email"}, "email"),
            ({"name": "", "email": "a@example.com"}, "name"),
            ({"name": "A", "email": "member@example.com"}, "email"),
            ({"name": "A", "email": "a@example.com", "team": "x"}, "team"),
            ({"name": "A", "email": "a@example.com", "attributes": ["x"]}, "attributes"),
            ({"name": "A", "email": "a@example.com", "external_id": "x" * 101}, "external_id"),
        ):
            r = self.api.post("/api/v1/people/", payload, format="json")
            self.assertEqual(r.status_code, 400, payload)
            self.assertIn(field, r.json(), payload)
