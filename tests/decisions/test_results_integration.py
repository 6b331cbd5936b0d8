"""Decision check-ins appear on the results page and API as a separate, labelled source."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from decisions.models import DecisionStabilitySnapshot


class ResultsIntegrationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", stdout=io.StringIO())
        cls.leader = get_user_model().objects.get(username="leader")

    def test_the_results_page_has_a_labelled_check_in_row_under_decision_stability(self) -> None:
        self.client.force_login(self.leader)
        html = self.client.get(reverse("scoring:results")).content.decode()
        pulse_row = html.index("Decision stability")
        checkin_row = html.index("source: Decision check-ins")
        assert pulse_row < checkin_row
        assert "never averaged into the pulse score" in html

    def test_the_results_api_carries_check_ins_separately_and_suppressed_without_numbers(
        self,
    ) -> None:
        self.client.force_login(self.leader)
        body = self.client.get(reverse("scoringapi:results")).json()
        with_checkins = [r for r in body["results"] if r["decision_checkins"]]
        assert with_checkins
        for r in with_checkins:
            c = r["decision_checkins"]
            assert c["source"] == "Decision check-ins" and c["dimension"] == "decision_stability"
            if c["suppressed"]:
                assert "stability_pct" not in c and "n" not in c
            else:
                snap = DecisionStabilitySnapshot.objects.get(
                    team__name=r["team_name"], period=r["period"]
                )
                expected = snap.stability_pct  # None: hidden on its own n (issue 9)
                assert c["stability_pct"] == (None if expected is None else round(expected, 2))
            # the pulse dimension cell is untouched by the check-ins
            dims = {d["key"]: d for d in r["dimensions"]}
            assert "stability_pct" not in dims["decision_stability"]
        # a leader of Product never gets Engineering's check-in figures
        assert not {r["team_name"] for r in body["results"]} & {"Engineering", "Payments"}
