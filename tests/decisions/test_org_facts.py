"""Decisions read the org's facts from the model (org.tz, org.k), never their own copies."""

from __future__ import annotations

from django.test import SimpleTestCase

from core.constants import ANSWER_SCALE
from decisions.forms import HOLDING_CHOICES
from decisions.metrics import decision_metrics_recompute
from decisions.models import DecisionStabilitySnapshot
from decisions.services import decision_change_status
from tests.decisions.base import DecisionTestCase


class OrgTimeZoneTests(DecisionTestCase):
    def test_an_unknown_stored_time_zone_does_not_stop_the_metrics(self) -> None:
        # org.tz falls back to UTC; ZoneInfo(org.time_zone) raised and the recompute died.
        type(self.org).objects.filter(pk=self.org.pk).update(time_zone="Nowhere/Atlantis")
        self.org.refresh_from_db()
        d = self.decide()
        self.answer(d, self.member_person)
        decision_change_status(decision=d, actor=self.owner, to_status="being_revisited")
        decision_metrics_recompute(org_id=self.org.pk)
        assert DecisionStabilitySnapshot.objects.filter(team=self.platform).exists()


class HoldingScaleTests(SimpleTestCase):
    def test_the_still_holding_choices_are_the_shared_answer_scale_then_dont_know(self) -> None:
        assert [v for v, _ in HOLDING_CHOICES] == [*(str(v) for v in ANSWER_SCALE), ""]
        assert HOLDING_CHOICES[0][1] == "Strongly disagree"
