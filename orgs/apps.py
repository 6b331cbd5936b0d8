"""App config for orgs: its own part of the GDPR export and erasure, registered like any app's."""

from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from core import registry
        from orgs.selectors import person_own_data, person_own_summary
        from orgs.services_people import person_own_erase

        registry.person_data.register(
            "orgs",
            registry.PersonData(
                export=person_own_data, erase=person_own_erase, summary=person_own_summary
            ),
        )
