"""Celery tasks of the dashboard app: the leaders' digest after a release is published."""

from __future__ import annotations

from core.tasks import task
from dashboards.services import digest_send_for_release


@task(name="dashboards.send_release_digest")
def send_release_digest(org_id: int) -> int:
    return digest_send_for_release(org_id=org_id)


def release_digest_queue(org_id: int) -> None:
    """Handler of release_published (announced after the release committed): queue the digest.

    The task reads the org's latest release when it runs and stamps (reader, release), so two
    releases in quick succession send the newer one once, and a re-run sends nothing.
    """
    send_release_digest.apply_async_on_commit(args=(org_id,))
