"""QA findings on execution's pages: the page opens on the reader's own team, a malformed or
unknown period or team is a 4xx with a message, and a team without work items says "no data"
for handoffs per person instead of 0.00."""

from __future__ import annotations

from django.urls import reverse

from execution.models import Observation
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, run_import
from tests.factories import person_make, team_make, user_make
from tests.scoring.db_fixture import P1, P2, build


class ExecutionQATests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        for team in (self.platform, self.mobile, self.sales):
            for period in (P1, P2):
                Observation.objects.create(
                    organization=self.org,
                    team=team,
                    period=period,
                    metric="on_time_pct",
                    value=70.0,
                    source="upload",
                )

    def test_the_page_opens_on_the_leaders_own_team_not_the_alphabetically_first(self) -> None:
        # "Aardvark" sorts first and is visible to the admin; the leader of Mobile (not of
        # Engineering) must land on Mobile, the admin on the highest team.
        team_make(org=self.org, name="Aardvark", parent=self.eng)
        mobile_lead = user_make(username="mlead", org=self.org, role="leader", teams=[self.mobile])
        self.client.force_login(mobile_lead)
        page = self.client.get(reverse("execution:page"))
        self.assertEqual(page.context["team_id"], self.mobile.pk)
        self.login(self.leader)
        self.assertEqual(self.client.get(reverse("execution:page")).context["team_id"], self.eng.pk)

    def test_a_malformed_team_is_a_400_and_a_foreign_one_a_404(self) -> None:
        self.login(self.leader)
        bad = self.client.get(reverse("execution:page"), {"team": "abc"})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "team ids must be integers", status_code=400)
        self.assertEqual(
            self.client.get(reverse("execution:page"), {"team": self.other_team.pk}).status_code,
            404,
        )

    def test_a_malformed_friction_period_is_a_400_with_a_message(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"), {"period": "bad"})
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "YYYY-MM-DD", status_code=400)

    def test_a_friction_period_without_figures_is_a_404_naming_the_periods(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"), {"period": "2019-01-01"})
        self.assertEqual(page.status_code, 404)
        self.assertContains(page, "no friction figures", status_code=404)

    def test_a_friction_period_as_the_results_label_is_understood(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:friction"), {"period": P1.strftime("%Y-%m")})
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["table"].period, P1)

    def test_handoffs_per_person_says_no_data_for_a_team_without_work_items(self) -> None:
        person_make(org=self.org, team=self.platform)
        person_make(org=self.org, team=self.sales)  # Sales has people but no work items
        run_import(
            org=self.org, actor=self.owner, kind="work_items", main=ITEMS_CSV, history=HISTORY_CSV
        )
        self.login(self.owner)
        page = self.client.get(reverse("execution:handoffs"))
        rows = {r["team_name"]: r for r in page.context["h"].per_person}
        self.assertTrue(rows["Sales"]["no_data"])
        self.assertIsNone(rows["Sales"]["handoffs_per_person"])
        self.assertFalse(rows["Platform"]["no_data"])
        self.assertContains(page, "no data")
