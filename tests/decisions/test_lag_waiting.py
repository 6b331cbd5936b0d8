"""Decision-to-action lag keeps the decisions still waiting for a "yes" (censored), and says so."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from decisions.metrics import decision_metrics_recompute
from decisions.models import DecisionStabilitySnapshot
from tests.decisions.base import DecisionTestCase


class LagWaitingTests(DecisionTestCase):
    def setUp(self) -> None:
        # Six Platform decisions: three acted on ("yes"), three still waiting for confirmation.
        for i, person in enumerate(self.platform_people[:6]):
            d = self.decide(teams=[self.platform])
            acted = "yes" if i < 3 else "waiting_confirmation"
            self.answer(d, person, holding=4, acted=acted, rediscussed="never")
        decision_metrics_recompute(org_id=self.org.pk)
        self.release()
        self.period = timezone.localdate().replace(day=1)

    def test_the_snapshot_counts_the_decisions_still_waiting(self) -> None:
        cell = DecisionStabilitySnapshot.objects.get(team=self.platform, period=self.period)
        assert not cell.suppressed
        assert (cell.lag_decisions, cell.lag_waiting) == (3, 3)

    def test_the_api_gives_the_waiting_count(self) -> None:
        self.login(self.owner)
        cells = self.client.get(reverse("decisionsapi:stability")).json()["cells"]
        platform = next(c for c in cells if c.get("team") == self.platform.pk)
        assert platform["lag_waiting"] == 3
