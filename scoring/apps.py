"""App config for scoring: it rescores on other apps' events and joins the demo last."""

from __future__ import annotations

from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from core import registry
        from scoring import demo
        from scoring.tasks import org_recompute_queue, round_recompute_queue

        registry.round_scores_changed.register("scoring", round_recompute_queue)
        registry.team_tree_changed.register("scoring", org_recompute_queue)
        # Last: it scores the responses the surveys seeder wrote.
        registry.demo_seeders.register(
            "scoring", registry.DemoSeeder(order=30, seed=demo.seed_demo, reset=demo.demo_reset)
        )
