"""Reads of the register, the at-risk list and the stability page don't grow with the data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.metrics import decision_metrics_recompute
from tests.decisions.base import DecisionTestCase


class QueryCountTests(DecisionTestCase):
    def add(self, count: int) -> None:
        for i in range(count):
            d = self.decide(
                f"D{i}", teams=[self.platform, self.mobile], stakeholders=[self.sales_people[0]]
            )
            for p in self.platform_people[:5]:
                self.answer(d, p, holding=2, acted="waiting_confirmation", rediscussed="several")
        decision_metrics_recompute(org_id=self.org.pk)

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert self.client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def test_page_and_api_reads_are_constant_in_the_number_of_decisions(self) -> None:
        self.login(self.leader)
        urls = [
            reverse("decisions:list"),
            reverse("decisions:at_risk"),
            reverse("decisions:stability"),
            reverse("decisionsapi:at-risk"),
            reverse("decisionsapi:stability"),
            reverse("decisionsapi:decision-list"),
        ]
        self.add(2)
        few = [self.queries(u) for u in urls]
        self.add(4)
        many = [self.queries(u) for u in urls]
        assert few == many, dict(zip(urls, zip(few, many, strict=True), strict=True))
