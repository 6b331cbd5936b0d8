"""Decisions apply the anonymity floor: k below K_FLOOR in the database still hides small groups."""

from __future__ import annotations

from core.constants import K_FLOOR
from decisions.metrics import decision_results, team_period_frame
from orgs.models import Organization
from tests.decisions.base import DecisionTestCase


class DecisionKFloorTests(DecisionTestCase):
    def setUp(self) -> None:
        # A k of 2 can only come from outside the app's validation (an old row, raw SQL).
        Organization.objects.filter(pk=self.org.pk).update(anonymity_k=K_FLOOR - 1)
        self.org = Organization.objects.get(pk=self.org.pk)

    def test_a_decision_with_fewer_answers_than_the_floor_shows_no_numbers(self) -> None:
        decision = self.decide()
        for person in self.platform_people[: K_FLOOR - 1]:
            self.answer(decision, person)
        result = decision_results(org=self.org, decision_ids=[decision.pk])[decision.pk]
        assert result["suppressed"] and result["stability_pct"] is None

    def test_team_cells_below_the_floor_are_suppressed(self) -> None:
        decision = self.decide()
        for person in self.platform_people[: K_FLOOR - 1]:
            self.answer(decision, person)
        cells = team_period_frame(org=self.org)
        platform = cells[cells["team_id"] == self.platform.pk]
        assert not platform.empty and platform["suppressed"].all()

    def test_the_register_page_states_the_floored_k(self) -> None:
        self.login(self.owner)
        page = self.client.get("/decisions/at-risk/")
        assert page.status_code == 200
        assert page.context["k"] == K_FLOOR
