"""App config for handoffs: handoff events and the check-ins they fire."""

from __future__ import annotations

from django.apps import AppConfig


def _queue_scan(org_id: int) -> None:
    """After an execution import (inside its transaction): scan the history once it commits."""
    from core.tasks import task_queue_on_commit

    task_queue_on_commit("handoffs.scan_history", org_id)


class HandoffsConfig(AppConfig):
    name = "handoffs"

    def ready(self) -> None:
        from core import registry
        from handoffs import demo, tasks  # noqa: F401  (registers the Celery tasks)
        from handoffs.gdpr import (
            person_handoff_data,
            person_handoff_erase,
            person_handoff_summary,
        )
        from handoffs.selectors import HANDOFF_SOURCE

        registry.work_items_imported.register("handoffs", _queue_scan)
        registry.person_data.register(
            "handoffs",
            registry.PersonData(
                export=person_handoff_data,
                erase=person_handoff_erase,
                summary=person_handoff_summary,
            ),
        )
        registry.result_sources.register("handoff_checkins", HANDOFF_SOURCE)
        # After execution (40): the demo's handoffs come from its imported work-item history.
        registry.demo_seeders.register(
            "handoffs", registry.DemoSeeder(order=45, seed=demo.seed_demo, reset=demo.demo_reset)
        )
