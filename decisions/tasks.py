"""Celery tasks of decisions: thin, id-only wrappers around the services (idempotent)."""

from __future__ import annotations

from django.db import transaction

from core.tasks import long_running, task
from decisions.checkin_flush import checkins_flush, checkins_flush_all
from decisions.checkins import checkin_invitation_send, checkins_create_due
from decisions.counts import checkin_windows_close
from decisions.metrics import decision_metrics_recompute
from decisions.releases import decision_results_publish
from orgs.models import Organization


@task(name="decisions.dispatch_due_checkins")
def dispatch_due_checkins_task() -> int:
    """Beat (hourly): create due check-in invitations of every org and queue their emails."""
    queued = 0
    closed_in: list[Organization] = []
    for org in Organization.objects.all().order_by("pk"):
        # Windows past their answer days first: their invitations become counts.
        if checkin_windows_close(org=org):
            closed_in.append(org)
        with transaction.atomic():
            ids = checkins_create_due(org=org)
            for inv_id in ids:
                send_checkin_invitation_task.delay_on_commit(inv_id)
        queued += len(ids)
    # Check-in windows close by the clock (links expire): write what their buffers still hold.
    checkins_flush_all()
    # A window's close releases its org's per-decision figures (each checked by the ledger),
    # after the flush so the window's last buffered answers are part of the release.
    for org in closed_in:
        decision_results_publish(org=org)
    return queued


@task(name="decisions.send_checkin_invitation")
def send_checkin_invitation_task(invitation_id: int) -> bool:
    """Send one invitation; does nothing if it was already sent (core.links claim-and-send)."""
    return checkin_invitation_send(invitation_id=invitation_id)


# A large org's recompute may outlast the visibility timeout; one lost with a worker is
# redone by the next hourly recompute_all_decision_metrics.
@task(name="decisions.recompute_decision_metrics", **long_running())
def recompute_decision_metrics_task(org_id: int) -> int:
    """Release the per-decision figures, then recompute the team x period cells (ledger-checked).

    Per-decision figures go first, as at a window's close: a decision's answers and a team ×
    period cell overlap, so the ledger lets the later of the two through only where the pair
    leaves no group under k, and which decisions are at risk matters more than the cells.
    """
    org = Organization.objects.filter(pk=org_id).first()
    if org is not None:
        decision_results_publish(org=org)
    return decision_metrics_recompute(org_id=org_id)


@task(name="decisions.recompute_all_decision_metrics")
def recompute_all_decision_metrics_task() -> int:
    """Beat (hourly): queue a recompute per org (answers arrive all the time)."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for org_id in ids:
        recompute_decision_metrics_task.delay(org_id)
    return len(ids)


@task(name="decisions.flush_checkins")
def checkins_flush_task(decision_id: int) -> int:
    """After each answer: write the decision's buffered groups that reached k (shuffled)."""
    return len(checkins_flush(decision_id=decision_id))
