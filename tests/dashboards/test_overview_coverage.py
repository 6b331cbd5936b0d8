"""The overview says when its period's figures come from fewer sub-teams than the period
before: a one-off round of one sub-team made its department's "latest" period that sub-team
alone, with nothing on the page saying so."""

from __future__ import annotations

import datetime as dt
import random

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from dashboards.digest import digest_context
from orgs.models import Team
from scoring.services import snapshot_recompute
from surveys.models import RubricVersion
from tests.dashboards.test_dashboard import DashboardTestCase
from tests.scoring.db_fixture import P2, add_responses, make_round, people_counts_add

P3 = dt.date(2026, 12, 1)


class OverviewCoverageTests(DashboardTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        rubric = RubricVersion.objects.get(organization=self.org)
        one_off = make_round(self.org, rubric, P3)
        add_responses(one_off, self.platform, 6, random.Random(3))
        people_counts_add(self.org, P3, {"platform": 6}, {"platform": self.platform})
        snapshot_recompute(org_id=self.org.id)

    def test_a_department_whose_latest_period_is_one_sub_team_says_so(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview") + f"?team={self.eng.pk}")
        ov = page.context["ov"]
        self.assertEqual(ov.period, P3)
        self.assertEqual((ov.answered_teams, ov.missing_teams), (["Platform"], ["Mobile"]))
        self.assertContains(page, "come from Platform only: Mobile had results in")

    def test_the_leaders_digest_carries_the_same_note(self) -> None:
        ctx = digest_context(user=self.leader, org=self.org)
        assert ctx is not None
        text = render_to_string("emails/digest-body.txt", ctx)
        self.assertIn("figures for Engineering come from Platform only: Mobile had results", text)

    def test_the_org_names_the_departments_missing_from_its_latest_period(self) -> None:
        self.login(self.owner)
        ov = self.client.get(reverse("dashboards:overview")).context["ov"]
        self.assertEqual((ov.answered_teams, ov.missing_teams), (["Engineering"], ["Sales"]))

    def test_a_team_without_results_in_the_period_gets_no_note(self) -> None:
        ops = Team.objects.create(organization=self.org, name="Ops")
        support = Team.objects.create(organization=self.org, name="Support", parent=ops)
        add_responses(self.rounds["p2"], support, 5, random.Random(4))
        people_counts_add(self.org, P2, {"support": 5}, {"support": support})
        snapshot_recompute(org_id=self.org.id)
        cache.clear()
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:overview") + f"?team={ops.pk}&period=2026-12")
        self.assertEqual(page.context["ov"].period, P3)
        self.assertEqual(page.context["ov"].missing_teams, [])  # Ops has nothing in P3 at all
        self.assertNotContains(page, 'id="ov-coverage"')
        self.assertContains(page, "No trust index for this team")

    def test_a_period_every_sub_team_answered_has_no_note(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:overview") + "?period=2026-11")
        self.assertEqual(page.context["ov"].missing_teams, [])
        self.assertNotContains(page, 'id="ov-coverage"')
