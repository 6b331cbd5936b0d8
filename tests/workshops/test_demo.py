"""The demo: two past workshops of Mobile with commitments in every state, one upcoming
draft; the facilitator's pages show a real follow-through rate and report."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from orgs.demo import DEMO_SLUG
from orgs.models import Organization, Team
from workshops.models import Workshop
from workshops.models_commitments import Commitment
from workshops.selectors_followthrough import follow_through_total


class DemoWorkshopTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "2", stdout=io.StringIO())
        cls.org = Organization.objects.get(slug=DEMO_SLUG)
        cls.mobile = Team.objects.get(organization=cls.org, name="Mobile")

    def test_two_past_workshops_and_one_upcoming_draft_with_commitments_in_every_state(
        self,
    ) -> None:
        states = sorted(
            Workshop.objects.filter(organization=self.org).values_list("state", flat=True)
        )
        self.assertEqual(states, ["draft", "ended", "ended"])
        statuses = set(
            Commitment.objects.filter(organization=self.org).values_list("status", flat=True)
        )
        self.assertLessEqual({"done", "slipped", "dropped", "partly", "waiting", "open"}, statuses)
        total = follow_through_total(org=self.org, team_id=self.mobile.pk)
        self.assertGreater(total.due, 0)
        self.assertIsNotNone(total.rate)

    def test_the_demo_facilitator_opens_list_workshop_report_pdf_and_hotspot_link(self) -> None:
        self.client.force_login(get_user_model().objects.get(username="facilitator"))
        past = (
            Workshop.objects.filter(organization=self.org, state="ended")
            .order_by("scheduled_for")
            .last()
        )
        assert past is not None
        for url in (
            reverse("workshops:list"),
            reverse("workshops:detail", args=[past.pk]),
            reverse("workshops:report", args=[past.pk]),
            reverse("workshops:report_pdf", args=[past.pk]),
            reverse("workshops:new") + f"?team={self.mobile.pk}",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        r = self.client.get(reverse("workshops:new") + f"?team={self.mobile.pk}")
        # The previous workshop's open commitments come first; a weak dimension has plays.
        self.assertContains(r, "Review last workshop")
        self.assertContains(r, "Plays:")
