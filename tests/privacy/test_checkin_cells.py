"""Team × period check-in cells (the results page's "decision check-ins" source and
/decisions/stability/): k on people counted from the invitation side, released through the
ledger (issue 9, attacks 2 and 3 on check-ins)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from decisions.counts import checkin_windows_close
from decisions.metrics import decision_metrics_recompute
from decisions.models import CheckInPeriodRespondentKey, CheckInResponse, DecisionStabilitySnapshot
from tests.decisions.base import DecisionTestCase

DECIDED = dt.date(2026, 3, 2)  # +7 days stays in March


class CheckInCellTests(DecisionTestCase):
    def cell(self, team_id: int | None) -> DecisionStabilitySnapshot:
        return DecisionStabilitySnapshot.objects.filter(
            organization=self.org, period=dt.date(2026, 3, 1)
        ).get(**({"team_id": team_id} if team_id else {"team__isnull": True}))

    def test_an_answer_belongs_to_the_period_of_its_window_not_of_its_day(self) -> None:
        d = self.decide(decided_on=dt.date(2026, 3, 20))
        self.answer(d, self.platform_people[0], offset=30)  # due 19 April
        assert CheckInResponse.objects.get(decision=d).period == dt.date(2026, 4, 1)

    def test_three_people_answering_two_decisions_are_three_not_six(self) -> None:
        a = self.decide("A", decided_on=DECIDED)
        b = self.decide("B", decided_on=DECIDED)
        for p in self.platform_people[:3]:
            self.answer(a, p)
            self.answer(b, p)
        decision_metrics_recompute(org_id=self.org.pk)
        for team_id in (self.platform.pk, None):
            cell = self.cell(team_id)
            assert cell.suppressed and cell.n is None and cell.stability_pct is None
            assert "fewer than" in cell.reason

    def test_people_are_counted_after_the_window_closes_too(self) -> None:
        a = self.decide("A", decided_on=DECIDED)
        b = self.decide("B", decided_on=DECIDED)
        for p in self.platform_people[:5]:
            self.answer(a, p)
            self.answer(b, p)
        decision_metrics_recompute(org_id=self.org.pk)
        assert not self.cell(self.platform.pk).suppressed
        assert self.cell(self.platform.pk).n == 5  # people, not the 10 answers
        # The windows close: invitations become counts and person-free period keys.
        checkin_windows_close(org=self.org, now=timezone.now() + dt.timedelta(days=60))
        assert CheckInPeriodRespondentKey.objects.filter(organization=self.org).count() == 5
        decision_metrics_recompute(org_id=self.org.pk)
        assert self.cell(self.platform.pk).n == 5

    def test_two_more_people_between_two_releases_give_nothing_back(self) -> None:
        a = self.decide("A", decided_on=DECIDED)
        for p in self.platform_people[:5]:
            self.answer(a, p, holding=4)
        decision_metrics_recompute(org_id=self.org.pk)
        before = self.cell(self.platform.pk)
        assert not before.suppressed and before.n == 5
        b = self.decide("B", decided_on=DECIDED)
        for p in self.platform_people[5:7]:
            self.answer(b, p, holding=1, acted="unclear_owner")
        decision_metrics_recompute(org_id=self.org.pk)
        after = self.cell(self.platform.pk)
        # The cell's set grew by two people: refused by the ledger, with a reason.
        assert after.suppressed and after.n is None and after.stability_pct is None
        assert "earlier" in after.reason
        org_cell = self.cell(None)
        assert org_cell.suppressed or org_cell.stability_pct == before.stability_pct
        # The API and the page say so too, never a number.
        self.login(self.owner)
        r = self.client.get(reverse("decisionsapi:stability"))
        assert r.status_code == 200
        assert "earlier" in r.content.decode()
        assert self.client.get(reverse("decisions:stability")).status_code == 200

    def test_k_more_people_are_released(self) -> None:
        a = self.decide("A", decided_on=DECIDED)
        for p in self.platform_people[:5]:
            self.answer(a, p)
        decision_metrics_recompute(org_id=self.org.pk)
        b = self.decide("B", decided_on=DECIDED, teams=[self.platform, self.mobile])
        for p in [*self.platform_people[:2], *self.mobile_people]:
            self.answer(b, p)  # 5 answers of one window: 5 people
        decision_metrics_recompute(org_id=self.org.pk)
        assert not self.cell(None).suppressed and self.cell(None).n == 8
