"""Celery tasks of scoring: thin, idempotent wrappers that recompute score snapshots by id.

Queued by the events other apps announce (`core.registry.round_scores_changed`,
`team_tree_changed`); the handlers below are registered in scoring.apps.
"""

from __future__ import annotations

from django.db import OperationalError

from core.tasks import task
from scoring.models_release import ReleaseTrigger
from scoring.services import snapshot_recompute, snapshot_recompute_round

# A deadlock or lost connection is transient and the task idempotent: retry, backing off
# (1 s, 2 s, 4 s, … with jitter), instead of losing the recompute.
TRANSIENT = (OperationalError,)


@task(
    name="scoring.recompute_round_snapshots",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def recompute_round_snapshots(round_id: int) -> int:
    """Recompute the snapshots a round's answers feed (queued on round close / answer change)."""
    summary = snapshot_recompute_round(round_id=round_id)
    return 0 if summary is None else summary.trust_rows


@task(
    name="scoring.recompute_org_snapshots",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def recompute_org_snapshots(org_id: int) -> int:
    """Recompute every period of one organization."""
    return snapshot_recompute(org_id=org_id, trigger=ReleaseTrigger.TEAMS_CHANGED).trust_rows


def round_recompute_queue(round_id: int) -> None:
    """Handler of round_scores_changed: rescore the round once the change has committed."""
    recompute_round_snapshots.delay_on_commit(round_id)


def org_recompute_queue(org_id: int) -> None:
    """Handler of team_tree_changed: the stored cells no longer fit the tree, rescore all."""
    recompute_org_snapshots.delay_on_commit(org_id)
