"""Celery tasks of scoring: thin, idempotent wrappers that recompute score snapshots by id.

Queued by the events other apps announce (`core.registry.round_scores_changed`,
`team_tree_changed`); the handlers below are registered in scoring.apps.
"""

from __future__ import annotations

import datetime as dt

from django.db import OperationalError
from django.utils import timezone

from core.tasks import long_running, task
from scoring.models_release import ReleaseTrigger
from scoring.selectors_stale import rounds_unreleased
from scoring.services import snapshot_recompute, snapshot_recompute_round

# A deadlock or lost connection is transient and the task idempotent: retry, backing off
# (1 s, 2 s, 4 s, … with jitter), instead of losing the recompute.
TRANSIENT = (OperationalError,)
# A recompute of a large org may run for minutes: longer than the Redis visibility timeout
# (settings.CELERY_VISIBILITY_TIMEOUT), after which an unacknowledged task would be handed to a
# second worker, again and again while it runs. So recomputes are acknowledged when taken
# (acks_late=False) and get their own time limit; a recompute lost with a killed worker is
# found again by `recompute_unreleased_rounds` (beat) from the rounds closed after the last
# release. Both recomputes are idempotent and serialised by the org lock.
LONG = long_running()
# How long after a round's close its release may still be on its way before the beat re-queues.
UNRELEASED_GRACE = dt.timedelta(minutes=10)


@task(
    name="scoring.recompute_round_snapshots",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
    **LONG,
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
    **LONG,
)
def recompute_org_snapshots(org_id: int) -> int:
    """Recompute every period of one organization."""
    return snapshot_recompute(org_id=org_id, trigger=ReleaseTrigger.TEAMS_CHANGED).trust_rows


@task(name="scoring.recompute_unreleased_rounds")
def recompute_unreleased_rounds() -> int:
    """Beat (every 10 minutes): re-queue the recompute of rounds closed after the last release."""
    ids = rounds_unreleased(now=timezone.now(), grace=UNRELEASED_GRACE)
    for round_id in ids:
        recompute_round_snapshots.delay(round_id)
    return len(ids)


def round_recompute_queue(round_id: int) -> None:
    """Handler of round_scores_changed: rescore the round once the change has committed."""
    recompute_round_snapshots.delay_on_commit(round_id)


def org_recompute_queue(org_id: int) -> None:
    """Handler of team_tree_changed: the stored cells no longer fit the tree, rescore all."""
    recompute_org_snapshots.delay_on_commit(org_id)
