"""Celery tasks of scoring: thin, idempotent wrappers that recompute score snapshots by id."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from scoring.services import snapshot_recompute, snapshot_recompute_round

# A deadlock or lost connection is transient and the task idempotent: retry, backing off
# (1 s, 2 s, 4 s, … with jitter), instead of losing the recompute.
TRANSIENT = (OperationalError,)


@shared_task(
    name="scoring.tasks.recompute_round_snapshots",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def recompute_round_snapshots(round_id: int) -> int:
    """Recompute the snapshots a round's answers feed (queued on round close / answer change)."""
    summary = snapshot_recompute_round(round_id=round_id)
    return 0 if summary is None else summary.trust_rows


@shared_task(
    name="scoring.tasks.recompute_org_snapshots",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def recompute_org_snapshots(org_id: int) -> int:
    """Recompute every period of one organization."""
    return snapshot_recompute(org_id=org_id).trust_rows
