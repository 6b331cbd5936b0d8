"""On the demo, per-respondent rotation forms make α with its Feldt interval computable for
every dimension in every closed period at org level (it failed for all 7 before)."""

from __future__ import annotations

import datetime as dt
import random

from django.test import TestCase

from orgs.demo import demo_org_create
from orgs.periods import recent_periods
from scoring.models import DimensionSnapshot
from scoring.selectors_reliability import reliability_for_org
from scoring.services import snapshot_recompute
from surveys.demo import seed_demo
from surveys.models import PulseRound


class DemoReliabilityTests(TestCase):
    def test_alpha_and_feldt_interval_are_computable_for_all_seven_dimensions(self) -> None:
        today = dt.date(2026, 11, 23)
        org = demo_org_create(rng=random.Random(1), today=today)
        periods = recent_periods(today, org.reporting_period, 6)
        seed_demo(org=org, rng=random.Random(2), periods=periods, today=today, log=lambda m: None)
        closed = set(PulseRound.objects.filter(status="closed").values_list("period", flat=True))
        report = reliability_for_org(org=org, recent=len(periods))
        org_blocks = [b for b in report.blocks if b.team_id == 0]
        assert {b.period for b in org_blocks} == closed and len(closed) == 5
        for block in org_blocks:
            assert len(block.dimensions) == 7
            for d in block.dimensions:
                assert d.reason == "", (block.period, d.key, d.warnings)
                assert d.alpha is not None and d.ci_low is not None and d.ci_high is not None
                assert d.ci_low < d.alpha < d.ci_high and -1 <= d.alpha <= 1
                assert d.k_items >= 3 and d.n >= 50
                assert all(it.item_total_r is not None for it in d.items)
        # Trends compare like with like: every arrow rests on statements both periods asked.
        snapshot_recompute(org_id=org.id)
        dims = DimensionSnapshot.objects.filter(organization=org, has_trend=True)
        assert dims.exists() and not dims.filter(comparable=False, significant=True).exists()
        assert not dims.filter(significant=True, shared_items=0).exists()
        assert all(
            d.p_adjusted is not None and d.p_adjusted < 0.05 for d in dims.filter(significant=True)
        )
