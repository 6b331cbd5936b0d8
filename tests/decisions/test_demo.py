"""The demo seeder: ~40 decisions with answers, planted so Growth and Payments circle and wait."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase

from decisions.models import (
    CheckInResponse,
    Decision,
    DecisionStatusChange,
)


class DemoTests(TestCase):
    def test_seed_demo_plants_the_decision_story(self) -> None:
        call_command("seed_demo", "--today", "2026-11-20", stdout=io.StringIO())
        assert 38 <= Decision.objects.count() <= 42
        assert DecisionStatusChange.objects.filter(
            to_status__in=["being_revisited", "reversed"]
        ).exists()
        assert CheckInResponse.objects.count() > 400
        # The planted story is in the answers themselves. (Which of them a reader sees is
        # decided by the release ledger: per-decision figures are released first, and team ×
        # period cells that would split a decision into groups under k are held back.)
        answers = list(
            CheckInResponse.objects.values("team__name", "holding", "acted", "rediscussed")
        )

        def pooled(name: str, field: str) -> float:
            rows = [a for a in answers if a["team__name"] == name]
            if field == "circling_pct":
                asked = [a for a in rows if a["rediscussed"]]
                return 100 * sum(a["rediscussed"] == "several" for a in asked) / len(asked)
            if field == "stability_pct":
                asked = [a for a in rows if a["holding"] is not None]
                return 100 * sum(a["holding"] >= 4 for a in asked) / len(asked)
            asked = [a for a in rows if a["acted"]]
            return 100 * sum(a["acted"] == "waiting_confirmation" for a in asked) / len(asked)

        for low in ("Growth", "Payments"):
            for high in ("Platform", "Design"):
                assert pooled(low, "circling_pct") > pooled(high, "circling_pct") + 15
                assert pooled(low, "stability_pct") < pooled(high, "stability_pct") - 20
        assert pooled("Growth", "wait_pct") > pooled("Platform", "wait_pct")
