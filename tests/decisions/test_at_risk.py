"""Decisions at risk for leaders: only their teams' decisions, only with >= k answers, ranked."""

from __future__ import annotations

from django.urls import reverse

from orgs.models import Role
from tests.decisions.base import DecisionTestCase
from tests.factories import user_make


class AtRiskTests(DecisionTestCase):
    def setUp(self) -> None:
        # Platform decision: 4 of 7 waiting for confirmation.
        self.waiting = self.decide("Platform waits", teams=[self.platform])
        for i, p in enumerate(self.platform_people):
            self.answer(
                self.waiting, p, holding=4, acted="waiting_confirmation" if i < 4 else "yes"
            )
        # Platform decision circling more: 6 of 7 several, holding low -> ranked first.
        self.circling = self.decide("Platform circles", teams=[self.platform])
        for p in self.platform_people:
            self.answer(self.circling, p, holding=2, acted="yes", rediscussed="several")
        # Healthy decision: not listed.
        self.healthy = self.decide("Platform fine", teams=[self.platform])
        for p in self.platform_people:
            self.answer(self.healthy, p, holding=5, acted="yes")
        # Sales decision with too few answers: never listed (anonymity).
        self.small = self.decide("Sales small", teams=[self.sales])
        for p in self.sales_people:
            self.answer(
                self.small, p, holding=1, acted="waiting_confirmation", rediscussed="several"
            )
        self.release()

    def test_the_leader_sees_a_ranked_list_with_reasons(self) -> None:
        self.login(self.leader)
        items = self.client.get(reverse("decisionsapi:at-risk")).json()
        assert [i["title"] for i in items] == ["Platform circles", "Platform waits"]
        assert "57 % of check-in answers are waiting for confirmation" in items[1]["reasons"]
        page = self.client.get(reverse("decisions:at_risk")).content.decode()
        assert "57 % of check-in answers are waiting for confirmation" in page
        assert "Platform fine" not in page and "Sales small" not in page

    def test_a_leader_of_other_teams_sees_none_of_them(self) -> None:
        sales_leader = user_make(org=self.org, role=Role.LEADER, teams=[self.sales])
        self.login(sales_leader)
        assert self.client.get(reverse("decisionsapi:at-risk")).json() == []

    def test_reversed_decisions_drop_off_the_list(self) -> None:
        from decisions.services import decision_change_status

        decision_change_status(decision=self.circling, actor=self.owner, to_status="reversed")
        self.login(self.owner)
        items = self.client.get(reverse("decisionsapi:at-risk")).json()
        assert [i["title"] for i in items] == ["Platform waits"]
