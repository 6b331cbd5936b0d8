"""The dashboard's friction view: index and trend, quadrant with linked points, hotspots with
their workshop link, drivers in words, execution trends with release markers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from django.template.loader import render_to_string
from django.urls import reverse

from dashboards.charts_friction import VL_BASE
from dashboards.friction import friction_build, may_prepare_workshops
from execution.models import Observation
from execution.selectors import team_period_join
from orgs.models import Team
from orgs.tenancy import tenant_for_user
from scoring.selectors import results_for_teams
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build

FRICTION_PAGES = [
    "dashboards:overview",
    "dashboards:friction",
    "dashboards:drivers",
    "dashboards:trends",
]


class FrictionTestCase(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        res = results_for_teams(
            tenant=tenant_for_user(self.owner, org=self.org),
            team_ids=[self.platform.pk, self.mobile.pk, self.sales.pk],
            periods=[P1],
        )
        trust = {r.team_id: r.trust_index.score for r in res.rows}
        # The team lowest on trust in P1 is also lowest on delivery: a hotspot for the admin.
        self.hot_id = min(trust, key=lambda t: trust[t] or 0.0)
        for team in (self.platform, self.mobile, self.sales):
            for period in (P1, P2):
                self.observe(team, period, 10.0 if team.pk == self.hot_id else 95.0)

    def observe(self, team: Team, period: dt.date, on_time: float) -> None:
        Observation.objects.create(
            organization=self.org,
            team=team,
            period=period,
            metric="on_time_pct",
            value=on_time,
            source="upload",
        )


class FrictionPageTests(FrictionTestCase):
    def test_the_quadrant_draws_one_linked_point_per_shown_team_and_keeps_links_local(
        self,
    ) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:friction"), {"team": 0, "period": "2026-10"})
        self.assertEqual(page.status_code, 200)
        chart = page.context["chart"]
        self.assertIn("<svg", chart.svg)
        # In this fixture only Mobile's trust index is shown in 2026-10 (the others are hidden).
        self.assertIn(f'<a xlink:href="/dashboard/?team={self.mobile.pk}">', chart.svg)
        self.assertIn('aria-label="Mobile: trust index', chart.svg)
        self.assertNotIn(f"team={self.sales.pk}", chart.svg)
        self.assertNotIn(VL_BASE, chart.svg)
        self.assertIn("Friction quadrant 2026-10: 1 team(s)", chart.summary)
        self.assertContains(page, "Data table")

    def test_a_team_whose_trust_index_is_hidden_is_no_point_and_has_no_friction(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:friction"), {"team": 0, "period": "2026-11"})
        fv = page.context["fv"]
        names = {p.name for p in fv.points}
        self.assertNotIn("Sales", names)  # 2 respondents < k in P2
        self.assertGreaterEqual(fv.hidden_teams, 1)
        chart = page.context["chart"]
        self.assertTrue(chart is None or f"team={self.sales.pk}" not in chart.svg)
        self.assertContains(page, "hidden with their trust index")

    def test_hotspots_name_what_drags_them_down_and_admins_may_prepare_a_workshop(self) -> None:
        # The fixture's trust indices are mostly hidden, so build the join the view reads.
        tenant = tenant_for_user(self.owner, org=self.org)
        j = team_period_join(tenant=tenant)
        teams = [self.platform.pk, self.mobile.pk, self.sales.pk]
        frame = pd.DataFrame(
            {
                "team": teams,
                "period": [P1] * 3,
                "trust_shown": [True] * 3,
                "trust_index": [30.0, 60.0, 70.0],
                "execution_health": [20.0, 80.0, 90.0],
                "n_metrics": [1, 1, 1],
                "friction_index": [75.0, 30.0, 20.0],
            }
        )
        joined = replace(j, frame=frame, metrics_long=j.metrics_long.iloc[0:0])
        fv = friction_build(tenant=tenant, team_id=0, period=P1, joined=joined)
        self.assertEqual([h.team_id for h in fv.hotspots], [self.platform.pk])
        spot = fv.hotspots[0]
        self.assertEqual(spot.workshop_url, f"/workshops/new/?team={self.platform.pk}")
        self.assertEqual(spot.url, f"/dashboard/?team={self.platform.pk}")
        self.assertEqual([p.hotspot for p in fv.points], [True, False, False])
        html = render_to_string(
            "dashboards/_friction_summary.html", {"fv": fv, "where": "fr", "q": None}
        )
        self.assertIn(f'href="/workshops/new/?team={self.platform.pk}"', html)
        self.assertIn("Prepare a workshop for Platform", html)
        leader = tenant_for_user(self.leader, org=self.org)
        fv = friction_build(tenant=leader, team_id=self.eng.pk, period=P1, joined=joined)
        self.assertEqual(fv.hotspots[0].workshop_url, "")  # leaders do not prepare workshops
        self.assertNotIn(self.sales.pk, [p.team_id for p in fv.points])  # not theirs
        facilitator = tenant_for_user(self.facilitator, org=self.org)
        self.assertTrue(may_prepare_workshops(facilitator))

    def test_leaders_see_hotspots_without_the_workshop_link(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:friction"), {"period": "2026-10"})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "/workshops/new/")
        self.assertNotContains(page, "Sales")  # not the leader's team

    def test_the_friction_index_has_a_trend(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:friction"), {"team": self.mobile.pk})
        fv = page.context["fv"]
        # By default the latest period with a friction index (Mobile's P2 trust is hidden).
        self.assertEqual(fv.period, P1)
        self.assertEqual(fv.trend, [("2026-10", fv.index)])
        self.assertIsNotNone(fv.index)
        self.assertContains(page, "Friction index")

    def test_bad_input_is_a_400_and_foreign_teams_a_404(self) -> None:
        self.login(self.leader)
        for name in ("dashboards:friction", "dashboards:drivers"):
            url = reverse(name)
            self.assertEqual(self.client.get(url, {"team": "abc"}).status_code, 400)
            self.assertEqual(self.client.get(url, {"team": self.sales.pk}).status_code, 404)
            self.assertEqual(self.client.get(url, {"period": "2026-13"}).status_code, 400)
            self.assertEqual(self.client.get(url, {"utm_source": "mail"}).status_code, 200)

    def test_employees_are_refused(self) -> None:
        self.login(self.member)
        for name in FRICTION_PAGES:
            self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)


class DriversAndTrendsTests(FrictionTestCase):
    def test_drivers_are_read_in_words_with_n_and_a_warning_when_few(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:drivers"))
        self.assertEqual(page.status_code, 200)
        d = page.context["d"]
        self.assertTrue(d.hidden_reason or d.correlations)
        if not d.hidden_reason:
            self.assertContains(page, "read these as hints")  # far fewer than 50 team-periods
            self.assertContains(page, "In plain words")
            self.assertContains(page, "Benjamini")
        self.assertContains(page, "team-periods")

    def test_execution_trends_share_the_trust_axis_and_mark_releases(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:trends"), {"team": self.platform.pk})
        self.assertEqual(page.status_code, 200)
        xcharts = page.context["xcharts"]
        self.assertEqual(xcharts[0].title, "Execution health")
        self.assertEqual([r["period"] for r in xcharts[0].table], ["2026-10", "2026-11"])
        self.assertTrue(page.context["markers"])  # the releases of this test run
        self.assertContains(page, "results were released")
        self.assertNotContains(page, "No execution data yet")
