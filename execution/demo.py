"""Demo execution data: the demo files imported through the real import path (see seed_demo)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from execution.models import ImportRun, Observation, StatusMapping, TeamAlias, WorkItem
from orgs.models import Organization


def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Import the demo's work items and history for the demo org's teams."""
    log("Execution: no demo files in this build yet.")


def demo_reset(org: Organization) -> None:
    """Delete the demo org's execution rows (before the org itself is deleted)."""
    Observation.objects.filter(organization=org).delete()
    WorkItem.objects.filter(organization=org).delete()
    ImportRun.objects.filter(organization=org).delete()
    TeamAlias.objects.filter(organization=org).delete()
    StatusMapping.objects.filter(organization=org).delete()
