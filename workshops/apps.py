"""App config for workshops: preparing, running and following up facilitator workshops."""

from __future__ import annotations

from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"

    def ready(self) -> None:
        from core import registry
        from workshops import demo
        from workshops.selectors_followthrough import FOLLOWTHROUGH_SOURCE
        from workshops.selectors_gdpr import person_workshop_data, person_workshop_summary
        from workshops.services_gdpr import person_workshop_erase

        registry.person_data.register(
            "workshops",
            registry.PersonData(
                export=person_workshop_data,
                erase=person_workshop_erase,
                summary=person_workshop_summary,
            ),
        )
        # After scoring (released figures) and decisions (stuck decisions).
        registry.demo_seeders.register(
            "workshops", registry.DemoSeeder(order=50, seed=demo.seed_demo, reset=demo.demo_reset)
        )
        registry.result_sources.register("workshop_commitments", FOLLOWTHROUGH_SOURCE)
