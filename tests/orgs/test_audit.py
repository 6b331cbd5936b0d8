"""The audit log: every set-up change is recorded with who, what and the change, and shown."""

from __future__ import annotations

from orgs.models import AuditEntry, Team
from tests.base import BaseTestCase


class AuditLogTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_changes_through_the_pages_are_recorded_with_actor_and_values(self) -> None:
        self.client.post("/setup/teams/new/", {"name": "Research", "parent": self.eng.pk})
        research = Team.objects.get(organization=self.org, name="Research")
        self.client.post(f"/setup/teams/{research.pk}/", {"name": "R&D", "parent": ""})
        self.client.post("/setup/people/new/", {"name": "Ann", "email": "ann@example.com"})
        entries = list(AuditEntry.objects.filter(organization=self.org).order_by("id"))
        self.assertEqual(
            [(e.action, e.actor) for e in entries],
            [
                ("team.created", self.owner),
                ("team.updated", self.owner),
                ("person.created", self.owner),
            ],
        )
        self.assertEqual(entries[0].changes, {"name": "Research", "parent": "Engineering"})
        self.assertEqual(
            entries[1].changes, {"name": ["Research", "R&D"], "parent": ["Engineering", None]}
        )
        self.assertEqual(
            (entries[1].object_type, entries[1].object_id), ("orgs.Team", str(research.pk))
        )

    def test_a_refused_change_records_nothing(self) -> None:
        self.client.post(
            f"/setup/teams/{self.eng.pk}/", {"name": "Engineering", "parent": self.mobile.pk}
        )
        self.client.post(
            "/setup/settings/",
            {
                "name": "Acme",
                "reporting_period": "month",
                "anonymity_k": "1",
                "time_zone": "UTC",
                "checkin_offsets_days": "7",
            },
        )
        self.assertFalse(AuditEntry.objects.exists())

    def test_saving_without_changes_records_nothing(self) -> None:
        self.client.post(f"/setup/teams/{self.sales.pk}/", {"name": "Sales", "parent": ""})
        self.assertFalse(AuditEntry.objects.exists())

    def test_the_audit_page_and_overview_show_only_the_own_orgs_entries(self) -> None:
        self.client.post("/setup/teams/new/", {"name": "Research", "parent": ""})
        AuditEntry.objects.create(
            organization=self.other_org, action="secret.thing", object_type="x"
        )
        for url in ("/setup/audit/", "/setup/"):
            r = self.client.get(url)
            self.assertContains(r, "team.created")
            self.assertContains(r, "owner")
            self.assertNotContains(r, "secret.thing")
