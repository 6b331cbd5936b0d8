"""Celery tasks of workshops: thin, take ids, idempotent (core.tasks)."""

from __future__ import annotations

from core.tasks import task
from orgs.models import Organization
from workshops.followup_flush import followup_answers_flush
from workshops.models_commitments import Commitment
from workshops.releases import followthrough_publish
from workshops.services_followup import follow_up_org


@task(name="workshops.follow_up_commitments")
def follow_up_commitments() -> dict[str, int]:
    """Hourly (beat): queue one follow-up pass per organization."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for pk in ids:
        follow_up_org_commitments.delay(pk)
    return {"orgs": len(ids)}


@task(name="workshops.follow_up_org_commitments")
def follow_up_org_commitments(org_id: int) -> dict[str, int]:
    """Reminders, "did this happen?" links and waiting marks of one org (idempotent)."""
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        return {}
    return follow_up_org(org=org)


@task(name="workshops.flush_followup_answers")
def flush_followup_answers(commitment_id: int) -> int:
    """After each team answer: write the commitment's buffered groups that reached k, and
    release the figures again when some were written."""
    written = followup_answers_flush(commitment_id=commitment_id)
    c = Commitment.objects.select_related("organization").filter(pk=commitment_id).first()
    if written and c is not None:
        followthrough_publish(org=c.organization)
    return written


@task(name="workshops.publish_follow_through")
def publish_follow_through(org_id: int) -> int:
    """Release the org's follow-through figures (after a status change; idempotent)."""
    org = Organization.objects.filter(pk=org_id).first()
    return followthrough_publish(org=org) if org is not None else 0
