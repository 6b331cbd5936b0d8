"""Execution's pages draw real charts on the server (SVG, no script), each with a text summary
and the page's table as its data; cached per data version (new figures, new chart)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.urls import reverse

from execution.charts import drivers_chart
from execution.models import Observation
from orgs.models import Team
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, run_import
from tests.scoring.db_fixture import P1, P2, build


class ExecutionChartTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        for team in (self.platform, self.mobile, self.sales):
            for period in (P1, P2):
                self.observe(team, period)

    def observe(self, team: Team, period: dt.date, value: float = 10.0) -> None:
        for metric, v in (("throughput", value), ("on_time_pct", 70.0)):
            Observation.objects.create(
                organization=self.org,
                team=team,
                period=period,
                metric=metric,
                value=v,
                source="upload",
            )

    def test_no_page_keeps_an_empty_chart_slot(self) -> None:
        run_import(
            org=self.org, actor=self.owner, kind="work_items", main=ITEMS_CSV, history=HISTORY_CSV
        )
        self.login(self.owner)
        for name in (
            "execution:page",
            "execution:friction",
            "execution:handoffs",
            "execution:drivers",
        ):
            page = self.client.get(reverse(name))
            self.assertEqual(page.status_code, 200, name)
            self.assertNotContains(page, "chart-slot")

    def test_the_metrics_page_draws_each_metric_with_a_summary(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("execution:page"), {"team": self.platform.pk})
        chart = page.context["chart"]
        self.assertIsNotNone(chart)
        self.assertIn("<svg", chart.svg)
        self.assertIn("Execution metrics of Platform", chart.summary)
        self.assertIn("Throughput", page.content.decode().split("<figcaption")[1])
        self.assertContains(page, "<figure")
        self.assertNotContains(page, "<script>")

    def test_the_friction_chart_draws_only_shown_teams_with_local_links(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"), {"period": P1.isoformat()})
        chart = page.context["chart"]
        table = page.context["table"]
        drawn = {r["team"] for r in chart.table}
        shown = {r.team for r in table.rows if r.friction is not None}
        self.assertEqual(drawn, shown)
        hidden = {r.team for r in table.rows if r.trust_hidden}
        self.assertTrue(hidden)
        self.assertFalse(drawn & hidden)  # a hidden trust index is no point
        self.assertIn("not drawn: their trust index is hidden", chart.summary)
        self.assertNotIn("vega.github.io", chart.svg)
        self.assertIn('xlink:href="/execution/?team=', chart.svg)

    def test_the_handoffs_chart_counts_the_matrix(self) -> None:
        run_import(
            org=self.org, actor=self.owner, kind="work_items", main=ITEMS_CSV, history=HISTORY_CSV
        )
        self.login(self.owner)
        page = self.client.get(reverse("execution:handoffs"))
        chart = page.context["chart"]
        total = sum(r["count"] for r in page.context["h"].matrix)
        self.assertEqual(sum(int(r["handoffs"]) for r in chart.table), total)
        self.assertIn("<svg", chart.svg)
        self.assertIn("Handoffs of your teams", chart.summary)

    def test_charts_are_cached_until_the_figures_change(self) -> None:
        self.login(self.leader)
        url = reverse("execution:page")
        first = self.client.get(url, {"team": self.platform.pk}).context["chart"]
        again = self.client.get(url, {"team": self.platform.pk}).context["chart"]
        self.assertEqual(again.render_ms, 0.0)  # served from the cache
        self.assertEqual(first.svg, again.svg)
        self.observe(self.platform, dt.date(2026, 12, 1), 30.0)
        fresh = self.client.get(url, {"team": self.platform.pk}).context["chart"]
        self.assertGreater(fresh.render_ms, 0.0)  # a new data version, rendered anew

    def test_the_drivers_chart_leaves_out_hidden_tests_and_says_the_strongest(self) -> None:
        rows = [
            {
                "name": "Clarity",
                "lag": 0,
                "rho": 0.2,
                "n": 30,
                "hidden": False,
                "significant": False,
            },
            {
                "name": "Clarity",
                "lag": 1,
                "rho": 0.61,
                "n": 28,
                "hidden": False,
                "significant": True,
            },
            {"name": "Follow-through", "lag": 1, "rho": None, "n": 3, "hidden": True},
        ]
        chart = drivers_chart(org_id=self.org.pk, correlations=rows)
        assert chart is not None
        self.assertEqual(len(chart.table), 2)
        self.assertIn("Clarity (next period): ρ = 0.61, n = 28", chart.summary)
        self.assertIn("1 beyond chance", chart.summary)
        self.assertIsNone(drivers_chart(org_id=self.org.pk, correlations=rows[2:]))
