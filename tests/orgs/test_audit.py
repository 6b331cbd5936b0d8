"""The audit log: every set-up change is recorded with who, what and the change, and shown."""

from __future__ import annotations

from core.models import AuditEntry
from orgs.models import Team
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
                ("orgs.team.created", self.owner),
                ("orgs.team.updated", self.owner),
                ("orgs.person.created", self.owner),
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
            self.assertContains(r, "Team created")
            self.assertContains(r, "owner")
            self.assertNotContains(r, "secret.thing")

    def test_the_audit_page_shows_a_change_named_items(self) -> None:
        # A pulse round's entry lists its question keys under "items"; the table once looked
        # up `changes.items` in the template, got that list instead of dict.items, and 500ed.
        AuditEntry.objects.create(
            organization=self.org,
            actor=self.leader,
            action="surveys.round.created",
            object_type="surveys.PulseRound",
            object_id="7",
            changes={"teams": [3, 4], "items": ["ownership_1", "stability_2"]},
        )
        for url in ("/setup/audit/", "/setup/"):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, "Pulse round sent")
            self.assertContains(r, "PulseRound #7")
            self.assertContains(r, "items: ownership_1, stability_2")
            self.assertContains(r, "teams: 3, 4")

    def test_entries_written_before_codes_were_registered_still_display(self) -> None:
        for old in ("round.create", "decision.status", "role.revoked"):
            AuditEntry.objects.create(organization=self.org, action=old, object_type="x")
        r = self.client.get("/setup/audit/")
        self.assertContains(r, "Pulse round sent")
        self.assertContains(r, "Decision status changed")
        self.assertContains(r, "Role revoked")

    def test_the_audit_and_token_pages_name_the_time_zone_of_their_times(self) -> None:
        self.org.time_zone = "Pacific/Auckland"
        self.org.save()
        self.client.post("/setup/teams/new/", {"name": "Research", "parent": ""})
        self.client.post(
            "/setup/api-token/", {"action": "create", "name": "sync", "scope": "read", "days": "30"}
        )
        for url in ("/setup/audit/", "/setup/api-token/"):
            self.assertContains(self.client.get(url), "Pacific/Auckland")
