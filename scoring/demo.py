"""Demo data for scoring: compute the demo org's snapshots from the responses surveys wrote."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from orgs.models import Organization
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.services import snapshot_recompute


def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Recompute every period of the demo org (deterministic: no randomness needed here)."""
    summary = snapshot_recompute(org_id=org.id)
    log(
        f"Scoring: {summary.trust_rows} trust index and {summary.dimension_rows} dimension "
        f"snapshots over {len(summary.periods)} periods."
    )


def demo_reset(org: Organization) -> None:
    """Delete the demo org's snapshots (before surveys deletes the rounds they were scored from)."""
    TrustIndexSnapshot.objects.filter(organization=org).delete()
    DimensionSnapshot.objects.filter(organization=org).delete()
