"""Attack 3 of issue 9 on decisions: read a decision's figures, let one more check-in answer
arrive, read again. Figures are released (a window's close, the hourly job) and read from the
release, and a release whose answer set differs from an earlier one by 1 … k − 1 answers is
refused figure by figure, so the two reads never give that answer back."""

from __future__ import annotations

from django.urls import reverse

from decisions.metrics import decision_results
from tests.decisions.base import DecisionTestCase

NUMBERS = ["n", "stability_pct", "action_pct", "wait_pct", "circling_pct", "stability_n"]


class DecisionReleaseAttackTests(DecisionTestCase):
    def read(self, decision_id: int) -> dict:
        self.login(self.owner)
        r = self.client.get(reverse("decisionsapi:decision-results", args=[decision_id]))
        assert r.status_code == 200
        return r.json()

    def test_one_more_answer_between_two_releases_gives_nothing_back(self) -> None:
        d = self.decide(teams=[self.platform])
        for p in self.platform_people[:6]:
            self.answer(d, p, holding=4, acted="yes")
        self.release()
        before = self.read(d.pk)
        assert not before["suppressed"] and before["n"] == 6

        # One more answer arrives: until the next release nothing moves …
        self.answer(d, self.platform_people[6], holding=1, acted="unclear_owner", offset=30)
        assert self.read(d.pk) == before
        # … and the next release refuses every figure whose set grew by one answer.
        self.release()
        after = self.read(d.pk)
        assert after["suppressed"] and after["n"] is None
        assert "earlier" in after["reason"]
        for key in NUMBERS:
            assert after.get(key) is None or after[key] == before[key]

    def test_k_more_answers_are_released(self) -> None:
        d = self.decide(teams=[self.platform, self.mobile, self.sales])
        for p in self.platform_people[:5]:
            self.answer(d, p)
        self.release()
        assert decision_results(org=self.org, decision_ids=[d.pk])[d.pk]["n"] == 5
        for p in [*self.platform_people[5:], *self.mobile_people]:
            self.answer(d, p)
        self.release()
        res = decision_results(org=self.org, decision_ids=[d.pk])[d.pk]
        assert not res["suppressed"] and res["n"] == 10

    def test_a_decision_never_released_reads_as_not_released(self) -> None:
        d = self.decide(teams=[self.platform])
        for p in self.platform_people[:6]:
            self.answer(d, p)
        res = self.read(d.pk)
        assert res["suppressed"] and res["n"] is None
        assert "not released yet" in res["reason"]
