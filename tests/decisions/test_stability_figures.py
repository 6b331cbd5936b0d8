"""Team x period snapshots: suppression below k (and complementary), page, API, query counts."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.metrics import decision_metrics_recompute
from decisions.models import DecisionStabilitySnapshot
from decisions.services import decision_change_status
from tests.decisions.base import DecisionTestCase


class StabilityFigureTests(DecisionTestCase):
    def setUp(self) -> None:
        self.d = self.decide(teams=[self.platform, self.mobile])
        # Platform: 6 answers, 3 holding (>=4), 2 waiting, 3 circling; Mobile: 2 answers.
        plan = [
            (5, "yes", "never"),
            (4, "waiting_confirmation", "several"),
            (4, "yes", "once"),
            (2, "waiting_confirmation", "several"),
            (1, "blocked", "several"),
            (None, "yes", "never"),
        ]
        for p, (h, a, r) in zip(self.platform_people, plan, strict=False):
            self.answer(self.d, p, holding=h, acted=a, rediscussed=r)
        for p in self.mobile_people[:2]:
            self.answer(self.d, p, holding=5, acted="yes", rediscussed="never")
        decision_change_status(decision=self.d, actor=self.owner, to_status="being_revisited")
        decision_metrics_recompute(org_id=self.org.pk)
        self.release()
        self.period = timezone.localdate().replace(day=1)

    def cell(self, team: object) -> DecisionStabilitySnapshot:
        return DecisionStabilitySnapshot.objects.get(team=team, period=self.period)

    def test_a_cell_below_k_is_stored_without_numbers(self) -> None:
        mobile = self.cell(self.mobile)
        assert mobile.suppressed and "fewer than 5" in mobile.reason
        assert mobile.n is None and mobile.stability_pct is None and mobile.wait_pct is None
        assert mobile.reopen_count == 1  # a leader's action, not an answer: still shown

    def test_no_visible_parent_minus_visible_children_leaves_fewer_than_k(self) -> None:
        eng = self.cell(self.eng)
        assert not eng.suppressed and eng.n == 8
        visible_children = [
            c.n for c in (self.cell(self.platform), self.cell(self.mobile)) if not c.suppressed
        ]
        remainder = eng.n - sum(visible_children)
        assert remainder == 0 or remainder >= 5

    def test_engineering_figures_match_hand_computation(self) -> None:
        eng = self.cell(self.eng)
        # 8 answers; holding answered 7: 5,4,4,2,1,5,5 -> 5 of 7 >= 4
        assert round(eng.stability_pct, 3) == round(500 / 7, 3)
        assert eng.action_pct == 62.5  # 3 yes in Platform + 2 in Mobile, of 8
        assert eng.wait_pct == 25.0  # 2 of 8
        assert eng.circling_pct == 37.5  # 3 of 8
        # One decision behind the lag (fewer than k): its lag is one person's first "yes".
        assert eng.lag_median_days is None and eng.lag_decisions is None
        org = DecisionStabilitySnapshot.objects.get(team=None, period=self.period)
        assert org.n == 8 and org.reopen_count == 1

    def test_recompute_is_idempotent(self) -> None:
        before = list(DecisionStabilitySnapshot.objects.values_list("team_id", "period", "n"))
        decision_metrics_recompute(org_id=self.org.pk)
        after = list(DecisionStabilitySnapshot.objects.values_list("team_id", "period", "n"))
        assert sorted(before, key=str) == sorted(after, key=str)

    def test_the_api_labels_the_source_and_limits_to_visible_teams(self) -> None:
        self.login(self.facilitator)  # facilitator of Platform only
        with CaptureQueriesContext(connection) as ctx:
            body = self.client.get(reverse("decisionsapi:stability")).json()
        assert len(ctx.captured_queries) <= 8
        assert body["source"] == "Decision check-ins" and body["dimension"] == "decision_stability"
        teams = {c["team_name"] for c in body["cells"]}
        assert teams == {"Platform"}
        assert all(c["source"] == "Decision check-ins" for c in body["cells"])

    def test_the_leader_page_shows_figures_and_hides_small_cells(self) -> None:
        self.login(self.leader)
        # user, memberships (+ org, person), the leader's covered teams (orgs.tenancy), figures;
        # the session is read from its cache
        with self.assertNumQueries(4):
            resp = self.client.get(reverse("decisions:stability"))
        html = resp.content.decode()
        assert "Decision check-ins" in html and "Engineering" in html
        assert "hidden" in html  # Mobile's cell
        assert "Sales" not in html

    def test_per_decision_results_need_k_answers(self) -> None:
        self.login(self.owner)
        few = self.decide("Barely asked", teams=[self.sales])
        for p in self.sales_people:
            self.answer(few, p)
        self.release()
        resp = self.client.get(reverse("decisions:detail", args=[few.pk]))
        assert "Fewer than 5 check-in answers" in resp.content.decode()
        api = self.client.get(reverse("decisionsapi:decision-results", args=[few.pk])).json()
        assert api["suppressed"] and api["n"] is None and api["stability_pct"] is None
        full = self.client.get(reverse("decisionsapi:decision-results", args=[self.d.pk])).json()
        assert not full["suppressed"] and full["n"] == 8 and full["reopen_count"] == 1
