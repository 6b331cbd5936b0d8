"""App config for execution: work-item imports and flow metrics per team and period."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _org_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    """A new organization starts with the default metric definitions (fixtures excepted)."""
    if created and not raw:
        from execution.services import metric_definitions_ensure

        metric_definitions_ensure(organization=instance)


class ExecutionConfig(AppConfig):
    name = "execution"

    def ready(self) -> None:
        from core import registry
        from execution import demo
        from execution.gdpr import (
            person_execution_data,
            person_execution_erase,
            person_execution_summary,
        )
        from orgs.models import Organization

        # orgs has no "organization created" extension point; Django's own signal is the hook
        # that catches every way an organization is made (set-up, demo, factories).
        post_save.connect(_org_saved, sender=Organization, dispatch_uid="execution.org_defaults")
        registry.person_data.register(
            "execution",
            registry.PersonData(
                export=person_execution_data,
                erase=person_execution_erase,
                summary=person_execution_summary,
            ),
        )
        # After scoring (30): the drivers view joins the demo's trust snapshots.
        registry.demo_seeders.register(
            "execution", registry.DemoSeeder(order=40, seed=demo.seed_demo, reset=demo.demo_reset)
        )
