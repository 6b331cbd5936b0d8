"""Organization settings: k is never below 3, the time zone must exist, offsets are days."""

from __future__ import annotations

from rest_framework.test import APIClient

from core.models import AuditEntry
from orgs.models import Organization
from tests.base import BaseTestCase

VALID = {
    "name": "Acme Corp",
    "reporting_period": "fortnight",
    "anonymity_k": "7",
    "time_zone": "Europe/Lisbon",
    "checkin_offsets_days": "30, 7, 90",
    "employees_can_log_decisions": "on",
}


class SettingsPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_it_saves_valid_settings_and_audits_them(self) -> None:
        r = self.client.post("/setup/settings/", VALID, follow=True)
        self.assertContains(r, "Settings saved.")
        org = Organization.objects.get(pk=self.org.pk)
        self.assertEqual(
            (
                org.name,
                org.reporting_period,
                org.anonymity_k,
                org.time_zone,
                org.checkin_offsets_days,
            ),
            ("Acme Corp", "fortnight", 7, "Europe/Lisbon", [7, 30, 90]),
        )
        self.assertTrue(org.employees_can_log_decisions)
        self.assertFalse(org.employees_see_team_results)
        entry = AuditEntry.objects.get(action="orgs.organization.updated")
        self.assertEqual(entry.actor, self.owner)
        self.assertEqual(entry.changes["anonymity_k"], [5, 7])
        self.assertEqual(entry.changes["time_zone"], ["UTC", "Europe/Lisbon"])

    def test_k_below_3_is_refused_with_the_reason(self) -> None:
        for k in ("2", "0", "-1"):
            r = self.client.post("/setup/settings/", {**VALID, "anonymity_k": k})
            self.assertEqual(r.status_code, 400)
            self.assertContains(r, "cannot be below 3", status_code=400)
        self.assertEqual(Organization.objects.get(pk=self.org.pk).anonymity_k, 5)
        self.assertFalse(AuditEntry.objects.exists())

    def test_an_unknown_time_zone_is_refused(self) -> None:
        r = self.client.post("/setup/settings/", {**VALID, "time_zone": "Mars/Olympus_Mons"})
        self.assertContains(r, "not a known time zone", status_code=400)

    def test_every_bad_field_is_named_at_once(self) -> None:
        r = self.client.post(
            "/setup/settings/",
            {
                **VALID,
                "anonymity_k": "2",
                "time_zone": "Nope",
                "checkin_offsets_days": "0, 400",
                "reporting_period": "decade",
            },
        )
        self.assertEqual(r.status_code, 400)
        form = r.context["form"]
        self.assertEqual(
            set(form.errors),
            {"anonymity_k", "time_zone", "checkin_offsets_days", "reporting_period"},
        )

    def test_offsets_must_be_whole_days(self) -> None:
        r = self.client.post("/setup/settings/", {**VALID, "checkin_offsets_days": "seven"})
        self.assertContains(r, "Whole numbers of days", status_code=400)

    def test_the_form_shows_current_values(self) -> None:
        r = self.client.get("/setup/settings/")
        self.assertContains(r, 'value="Acme"')
        self.assertContains(r, 'value="7, 30"')


class OrganizationApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.owner)

    def test_get_and_patch_the_own_org(self) -> None:
        r = self.api.get("/api/v1/organization/")
        self.assertEqual(r.json()["anonymity_k"], 5)
        r = self.api.patch(
            "/api/v1/organization/", {"anonymity_k": 4, "time_zone": "Asia/Tokyo"}, format="json"
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["anonymity_k"], 4)
        self.assertEqual(Organization.objects.get(pk=self.org.pk).time_zone, "Asia/Tokyo")
        self.assertTrue(AuditEntry.objects.filter(action="orgs.organization.updated").exists())

    def test_k_below_3_is_a_400_naming_anonymity_k(self) -> None:
        r = self.api.patch("/api/v1/organization/", {"anonymity_k": 2}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("anonymity_k", r.json())
        self.assertEqual(Organization.objects.get(pk=self.org.pk).anonymity_k, 5)

    def test_bad_values_are_400s_naming_the_field(self) -> None:
        for payload, field in (
            ({"time_zone": "Nowhere/Land"}, "time_zone"),
            ({"reporting_period": "year"}, "reporting_period"),
            ({"checkin_offsets_days": [0]}, "checkin_offsets_days"),
            ({"checkin_offsets_days": "7"}, "checkin_offsets_days"),
            ({"anonymity_k": "many"}, "anonymity_k"),
            ({"name": ""}, "name"),
        ):
            r = self.api.patch("/api/v1/organization/", payload, format="json")
            self.assertEqual(r.status_code, 400, payload)
            self.assertIn(field, r.json(), payload)

    def test_the_slug_cannot_be_changed(self) -> None:
        self.api.patch("/api/v1/organization/", {"slug": "hijack"}, format="json")
        self.assertEqual(Organization.objects.get(pk=self.org.pk).slug, "acme")
