"""Celery tasks of the dashboard app: the leaders' digest after a release."""

from __future__ import annotations

from core.tasks import task
from dashboards.services import digest_send_for_round

# Scoring recomputes the snapshots on the same event; give it a head start so the digest
# reads the new release (the task is idempotent and reads whatever is released then).
DIGEST_DELAY_SECONDS = 120


@task(name="dashboards.send_round_digest")
def send_round_digest(round_id: int) -> int:
    return digest_send_for_round(round_id=round_id)


def round_digest_queue(round_id: int) -> None:
    """Handler of round_scores_changed (a round closed): queue the digest after commit."""
    send_round_digest.apply_async_on_commit(args=(round_id,), countdown=DIGEST_DELAY_SECONDS)
