"""Demo execution data: the demo's Jira export + changelog and Linear export, imported through
the real import service (as an admin's upload would be), so the demo exercises that path and
the friction, handoff and drivers views show the planted relation."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from execution.demo_offer import DEMO_STATUSES, demo_bundle
from execution.models import (
    ImportKind,
    ImportRun,
    MetricDefinition,
    Observation,
    StatusMapping,
    TeamAlias,
    WorkItem,
)
from execution.services import status_mappings_save
from execution.services_import import import_run_create, import_run_execute
from orgs.models import Organization


def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Import the demo files for the demo org's teams over the seeded periods."""
    status_mappings_save(organization=org, actor=None, mapping=DEMO_STATUSES)
    files = demo_bundle(org=org, today=today, periods=periods)
    for preset in ("jira", "linear"):
        parts = [f for f in files if f.preset == preset]
        main = next(f for f in parts if f.role == "main")
        run = import_run_create(
            organization=org,
            actor=None,
            kind=ImportKind.WORK_ITEMS,
            files=[(f.role, f.name, f.data) for f in parts],
            options={"preset": preset, "source": preset, "date_format": main.date_format},
        )
        done = import_run_execute(run_id=run.pk)
        assert done is not None
        log(f"Execution: {main.name}: {done.report.get('message', done.state)}")
        # The message says "see why below": say it here too, not only on the run's page.
        for warning in done.report.get("warnings") or []:
            log(f"    {warning}")


def demo_reset(org: Organization) -> None:
    """Delete the demo org's execution rows (before the org itself is deleted)."""
    Observation.objects.filter(organization=org).delete()
    WorkItem.objects.filter(organization=org).delete()
    ImportRun.objects.filter(organization=org).delete()
    TeamAlias.objects.filter(organization=org).delete()
    StatusMapping.objects.filter(organization=org).delete()
    MetricDefinition.objects.filter(organization=org).delete()
