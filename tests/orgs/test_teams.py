"""The team tree pages: list as an indented tree, create, rename, move (no cycles), deactivate."""

from __future__ import annotations

from core.models import AuditEntry
from orgs.models import Membership, Team
from tests.base import BaseTestCase


class TeamPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_the_list_is_a_tree_with_children_under_their_parent(self) -> None:
        body = self.client.get("/setup/teams/").content.decode()
        self.assertLess(body.index(">Engineering<"), body.index(">Mobile<"))
        self.assertLess(body.index(">Mobile<"), body.index(">Platform<"))
        self.assertLess(body.index(">Platform<"), body.index(">Sales<"))
        self.assertIn('class="tree-indent depth-1"', body)  # 24px a level: static/css/pages.css

    def test_it_creates_a_sub_team(self) -> None:
        r = self.client.post("/setup/teams/new/", {"name": "SRE", "parent": self.platform.pk})
        self.assertRedirects(r, "/setup/teams/")
        self.assertEqual(Team.objects.get(organization=self.org, name="SRE").parent, self.platform)

    def test_it_refuses_a_duplicate_name_whatever_the_case(self) -> None:
        r = self.client.post("/setup/teams/new/", {"name": "platform", "parent": ""})
        self.assertEqual(r.status_code, 400)
        self.assertContains(
            r, "There is already a team called &#x27;Platform&#x27;", status_code=400
        )

    def test_the_same_name_is_fine_in_another_org(self) -> None:
        self.client.post("/setup/teams/new/", {"name": "Other team", "parent": ""})
        self.assertTrue(Team.objects.filter(organization=self.org, name="Other team").exists())

    def test_it_renames_and_moves(self) -> None:
        r = self.client.post(
            f"/setup/teams/{self.mobile.pk}/", {"name": "Apps", "parent": self.sales.pk}
        )
        self.assertRedirects(r, "/setup/teams/")
        self.mobile.refresh_from_db()
        self.assertEqual((self.mobile.name, self.mobile.parent), ("Apps", self.sales))
        entry = AuditEntry.objects.get(action="orgs.team.updated")
        self.assertEqual(
            entry.changes, {"name": ["Mobile", "Apps"], "parent": ["Engineering", "Sales"]}
        )

    def test_moving_a_team_under_its_own_sub_team_is_refused_with_a_clear_message(self) -> None:
        r = self.client.post(
            f"/setup/teams/{self.eng.pk}/", {"name": "Engineering", "parent": self.platform.pk}
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "cannot be placed under its own sub-team", status_code=400)
        self.assertContains(r, "cycle", status_code=400)
        self.eng.refresh_from_db()
        self.assertIsNone(self.eng.parent)

    def test_moving_a_team_under_itself_is_refused(self) -> None:
        r = self.client.post(
            f"/setup/teams/{self.sales.pk}/", {"name": "Sales", "parent": self.sales.pk}
        )
        self.assertContains(r, "cannot be placed under itself", status_code=400)

    def test_a_deep_cycle_is_refused(self) -> None:
        deep = Team.objects.create(organization=self.org, name="Deep", parent=self.platform)
        r = self.client.post(
            f"/setup/teams/{self.eng.pk}/", {"name": "Engineering", "parent": deep.pk}
        )
        self.assertContains(r, "its own sub-team &#x27;Deep&#x27;", status_code=400)

    def test_deactivating_a_team_with_active_sub_teams_is_refused(self) -> None:
        r = self.client.post(
            f"/setup/teams/{self.eng.pk}/status/", {"action": "deactivate"}, follow=True
        )
        self.assertContains(r, "still has active sub-teams (Mobile, Platform)")
        self.eng.refresh_from_db()
        self.assertTrue(self.eng.is_active)

    def test_deactivate_and_reactivate_a_leaf_team(self) -> None:
        self.client.post(f"/setup/teams/{self.sales.pk}/status/", {"action": "deactivate"})
        self.sales.refresh_from_db()
        self.assertFalse(self.sales.is_active)
        self.assertContains(self.client.get("/setup/teams/"), "deactivated")
        self.client.post(f"/setup/teams/{self.sales.pk}/status/", {"action": "reactivate"})
        self.sales.refresh_from_db()
        self.assertTrue(self.sales.is_active)
        self.assertEqual(
            list(AuditEntry.objects.order_by("id").values_list("action", flat=True)),
            ["orgs.team.deactivated", "orgs.team.reactivated"],
        )

    def test_an_empty_name_is_a_field_error(self) -> None:
        r = self.client.post("/setup/teams/new/", {"name": "  ", "parent": ""})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "This field is required", status_code=400)


class TeamApiTests(BaseTestCase):
    def setUp(self) -> None:
        from rest_framework.test import APIClient

        self.api = APIClient()
        self.api.force_authenticate(self.owner)

    def test_a_cycle_is_a_400_naming_parent(self) -> None:
        r = self.api.patch(
            f"/api/v1/teams/{self.eng.pk}/", {"parent": self.mobile.pk}, format="json"
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("cycle", r.json()["parent"][0])

    def test_filters_by_parent_and_active(self) -> None:
        r = self.api.get(f"/api/v1/teams/?parent={self.eng.pk}")
        self.assertEqual([t["name"] for t in r.json()["results"]], ["Mobile", "Platform"])
        r = self.api.get("/api/v1/teams/?root=true")
        self.assertEqual([t["name"] for t in r.json()["results"]], ["Engineering", "Sales"])
        self.api.patch(f"/api/v1/teams/{self.sales.pk}/", {"is_active": False}, format="json")
        r = self.api.get("/api/v1/teams/?is_active=false")
        self.assertEqual([t["name"] for t in r.json()["results"]], ["Sales"])

    def test_delete_only_for_unused_teams(self) -> None:
        r = self.api.delete(f"/api/v1/teams/{self.platform.pk}/")  # Mia is in it
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["team"], ["This team still has people; deactivate it instead."])
        r = self.api.delete(f"/api/v1/teams/{self.eng.pk}/")
        self.assertEqual(
            r.json()["team"], ["This team still has sub-teams; deactivate it instead."]
        )
        Membership.objects.get(user=self.leader).teams.add(self.sales)
        r = self.api.delete(f"/api/v1/teams/{self.sales.pk}/")  # a leader's role names it
        self.assertEqual(r.status_code, 400)
        self.assertIn("memberships", r.json()["team"][0])
        r = self.api.delete(f"/api/v1/teams/{self.mobile.pk}/")
        self.assertEqual(r.status_code, 204)
        self.assertFalse(Team.objects.filter(pk=self.mobile.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action="orgs.team.deleted").exists())

    def test_bad_input_is_a_400_naming_the_field(self) -> None:
        for payload, field in (
            ({"name": ""}, "name"),
            ({"name": "X", "parent": "abc"}, "parent"),
            ({"name": "X" * 201}, "name"),
            ({"name": "Sales"}, "name"),
        ):
            r = self.api.post("/api/v1/teams/", payload, format="json")
            self.assertEqual(r.status_code, 400, payload)
            self.assertIn(field, r.json(), payload)
