"""App config for surveys: its contributions to core's extension points, and the shipped rubric."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _shipped_rubric_ensure(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """After migrate/flush: reinstall the shipped rubric if the database lost it."""
    from surveys.rubric_io import rubric_shipped_ensure

    registry = apps if apps is not None else global_apps
    try:
        registry.get_model("surveys", "RubricVersion")
    except LookupError:  # migrated back to before the rubric tables existed
        return
    rubric_shipped_ensure(apps=apps)


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self) -> None:
        from core import registry
        from surveys import demo
        from surveys.selectors import person_invitation_data, person_invitation_summary
        from surveys.services.gdpr import person_invitations_erase

        registry.person_data.register(
            "surveys",
            registry.PersonData(
                export=person_invitation_data,
                erase=person_invitations_erase,
                summary=person_invitation_summary,
            ),
        )
        registry.demo_seeders.register(
            "surveys", registry.DemoSeeder(order=10, seed=demo.seed_demo, reset=demo.demo_reset)
        )
        post_migrate.connect(_shipped_rubric_ensure, sender=self, dispatch_uid="surveys_rubric")
