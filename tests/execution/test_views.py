"""Leader views: metrics per team with definitions, friction with composite suppression,
handoffs and drivers; permissions and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from execution.models import Observation
from orgs.models import Team
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build


class ExecutionViewsTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        for team in (self.platform, self.mobile, self.sales):
            for period in (P1, P2):
                self.observe(team, period)

    def observe(self, team: Team, period: dt.date | str, value: float = 10.0) -> None:
        for metric, v in (("throughput", value), ("on_time_pct", 70.0)):
            Observation.objects.create(
                organization=self.org,
                team=team,
                period=period,
                metric=metric,
                value=v,
                source="upload",
            )

    def test_the_metrics_page_shows_each_metric_with_its_definition_and_labels(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("execution:page"), {"team": self.platform.pk})
        self.assertEqual(page.status_code, 200)
        text = page.content.decode()
        self.assertIn("Cycle time (first in progress → done)", text)
        self.assertIn("Lead time (created → done)", text)
        self.assertIn("Number of items that reached done in the period", text)
        self.assertIn("2026-10", text)
        self.assertIn("10.0", text)

    def test_a_leader_cannot_open_a_team_they_do_not_lead(self) -> None:
        self.login(self.leader)
        self.assertEqual(
            self.client.get(reverse("execution:page"), {"team": self.sales.pk}).status_code, 404
        )
        page = self.client.get(reverse("execution:page"))
        self.assertNotIn(self.sales.pk, dict(page.context["teams"]))

    def test_employees_get_403_on_every_execution_view(self) -> None:
        self.login(self.member)
        for name in (
            "execution:page",
            "execution:friction",
            "execution:handoffs",
            "execution:drivers",
        ):
            self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)

    def test_friction_is_hidden_where_the_trust_index_is_hidden(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"), {"period": P2.isoformat()})
        rows = {r.team: r for r in page.context["table"].rows}
        self.assertTrue(rows["Sales"].trust_hidden)  # 2 respondents < k
        self.assertIsNone(rows["Sales"].trust_index)
        self.assertIsNone(rows["Sales"].friction)
        self.assertIsNotNone(rows["Sales"].health)  # health involves no trust: still shown
        self.assertContains(page, "hidden with the trust index")
        # Where the trust index is shown, so is the friction index built from it.
        page = self.client.get(reverse("execution:friction"), {"period": P1.isoformat()})
        rows = {r.team: r for r in page.context["table"].rows}
        self.assertFalse(rows["Mobile"].trust_hidden)
        self.assertAlmostEqual(
            rows["Mobile"].friction, 100 - (rows["Mobile"].trust_index + rows["Mobile"].health) / 2
        )

    def test_the_friction_page_says_why_when_there_is_nothing_to_join(self) -> None:
        Observation.objects.all().delete()
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"))
        self.assertEqual(page.status_code, 200)

    def test_drivers_are_hidden_with_the_reason_below_five_team_periods(self) -> None:
        Observation.objects.filter(period=P1).delete()  # 3 team-periods left
        self.login(self.owner)
        page = self.client.get(reverse("execution:drivers"))
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["d"].hidden_reason)
        self.assertContains(page, page.context["d"].hidden_reason)

    def test_handoffs_page_opens_with_a_reason_when_empty(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("execution:handoffs"))
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["h"].note)

    def _queries(self, name: str, **params: int) -> int:
        self.login(self.owner)
        # Each count from the same (empty) cache: the released trust frame is kept per
        # release (execution.selectors.trust_frame), so a second read is cheaper still.
        caches["reads"].clear()
        with CaptureQueriesContext(connection) as ctx:
            r = self.client.get(reverse(name), params)
        self.assertEqual(r.status_code, 200)
        return len(ctx)

    def test_the_read_views_use_a_fixed_number_of_queries(self) -> None:
        views = [
            ("execution:page", {"team": self.platform.pk}),
            ("execution:friction", {}),
            ("execution:drivers", {}),
            ("execution:handoffs", {}),
        ]
        before = [self._queries(n, **p) for n, p in views]
        for period in ("2026-08-01", "2026-09-01"):
            for team in (self.platform, self.mobile, self.sales, self.eng):
                self.observe(team, period, 5.0)
        after = [self._queries(n, **p) for n, p in views]
        self.assertEqual(before, after)
