"""The Done-when walked on seed_demo with the test client: the demo leader lands on the overview
and sees which teams are stuck, on which dimensions, what that does to delivery and which
decisions are being re-litigated; exports open in a spreadsheet reader; the demo facilitator
jumps from a hotspot to preparing a workshop."""

from __future__ import annotations

import io
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from orgs.demo_logins import DEMO_PASSWORD


class DemoWalkTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "6", stdout=io.StringIO())

    def setUp(self) -> None:
        cache.clear()

    def login(self, username: str) -> Any:
        """Log in through the login page, as a person does; returns where they land."""
        page = self.client.post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        self.assertEqual(page.status_code, 200)
        return page

    def test_the_leader_lands_on_the_overview_and_sees_where_work_is_stuck(self) -> None:
        home = self.login("leader")
        self.assertTemplateUsed(home, "dashboards/overview.html")  # the landing page is it
        ov, fv = home.context["ov"], home.context["fv"]
        self.assertEqual(ov.team_name, "Product")  # their department, not the first by name
        self.assertIsNotNone(ov.trust.score)  # shown, with n
        # Which teams are stuck, on which dimensions, and what drags delivery down.
        self.assertTrue(fv.hotspots)
        spot = fv.hotspots[0]
        self.assertTrue(spot.dimensions and spot.metrics)
        self.assertContains(home, spot.name)
        self.assertContains(home, spot.dimensions[0])
        self.assertEqual(len(ov.weakest), 3)
        # Which decisions are being re-litigated, with a link to each.
        reasons = [why for r in ov.at_risk for why in r["reasons"]]
        self.assertTrue(any("re-discussed" in why for why in reasons))
        self.assertContains(home, "re-discussed several times")
        self.assertContains(home, reverse("decisions:detail", args=[ov.at_risk[0]["decision"].pk]))
        # Items waiting longest are on the landing page too.
        self.assertTrue(home.context["waiting"])

    def test_the_drivers_say_in_words_what_trust_does_to_delivery(self) -> None:
        self.login("leader")
        d = self.client.get(reverse("dashboards:drivers")).context["d"]
        self.assertFalse(d.hidden_reason)
        self.assertTrue(any("ρ = " in s and "n = " in s for s in d.sentences))

    def test_exports_open_in_a_spreadsheet_reader(self) -> None:
        self.login("leader")
        for view in ("heatmap", "trends"):
            r = self.client.get(reverse("dashboards:export", args=[view, "xlsx"]))
            self.assertEqual(r.status_code, 200)
            wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
            rows = list(wb.active.values)
            self.assertEqual(rows[0][:4], ("team_id", "team", "period", "measure"))
            self.assertGreater(len(rows), 5, view)
            r = self.client.get(reverse("dashboards:export", args=[view, "csv"]))
            text = b"".join(r.streaming_content).decode("utf-8-sig")
            self.assertTrue(text.startswith("team_id,team,period,measure"))

    def test_the_facilitator_jumps_from_a_hotspot_to_preparing_a_workshop(self) -> None:
        self.login("facilitator")
        page = self.client.get(reverse("dashboards:friction"))
        spots = [h for h in page.context["fv"].hotspots if h.workshop_url]
        self.assertTrue(spots)
        self.assertContains(page, f"Prepare a workshop for {spots[0].name}")
        prepare = self.client.get(spots[0].workshop_url)
        self.assertEqual(prepare.status_code, 200)
        self.assertContains(prepare, spots[0].name)

    def test_the_leader_filters_by_location_and_sees_numbers(self) -> None:
        home = self.login("leader")
        picker = home.content.decode()
        self.assertIn(">Location</option>", picker)
        self.assertIn(">Tenure band</option>", picker)  # a label, not the raw key
        self.assertNotIn(">tenure_band<", picker)
        self.assertNotIn(">None</option>", picker)
        page = self.client.get(
            reverse("dashboards:overview"), {"attribute": "location", "value": "Berlin"}
        )
        cell = page.context["filtered"]
        self.assertTrue(cell.allowed, cell.reason)
        trust = cell.figures[0]
        self.assertEqual(trust.name, "Trust index")
        self.assertIsNotNone(trust.score)
        self.assertGreaterEqual(trust.n, 5)
        self.assertContains(page, "people whose location is Berlin")
        # A location too few of the team's respondents share is refused, saying why.
        small = self.client.get(
            reverse("dashboards:overview"), {"attribute": "location", "value": "Toronto"}
        )
        self.assertFalse(small.context["filtered"].allowed)
        self.assertContains(
            small, "held by fewer than 5 respondents in this team is left off answers"
        )
