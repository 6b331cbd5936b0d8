"""App config for decisions: its contributions to core's extension points."""

from __future__ import annotations

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"

    def ready(self) -> None:
        from core import registry
        from decisions import demo
        from decisions.metrics import CHECKIN_SOURCE
        from decisions.selectors import person_decision_data
        from decisions.selectors_gdpr import person_decision_summary
        from decisions.services_gdpr import person_decision_erase

        registry.person_data.register(
            "decisions",
            registry.PersonData(
                export=person_decision_data,
                erase=person_decision_erase,
                summary=person_decision_summary,
            ),
        )
        # After surveys: the decision story reads the pulse profiles of the same teams.
        registry.demo_seeders.register(
            "decisions", registry.DemoSeeder(order=20, seed=demo.seed_demo, reset=demo.demo_reset)
        )
        registry.result_sources.register("decision_checkins", CHECKIN_SOURCE)
