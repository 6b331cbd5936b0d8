"""What moves the org's reads version (core.reads) so no cached dashboard page outlives its data.

Connected in DashboardsConfig.ready(). Low-volume rows the pages show are followed by model
signals: every kind of release (results, decision results and stability, handoffs,
follow-through), decisions and their status changes, workshops and commitments, metric
definitions, import runs, the org's settings and its teams. The registry's events cover the
bulk writes that send no signals (a results release published, work items imported, the team
tree changed); execution's bulk observation writes call `core.reads.reads_changed` themselves.
High-volume rows (answers, observations, work items) get no signal receiver on purpose: a
receiver turns Django's fast bulk delete into a per-row one.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from core import registry
from core.reads import reads_changed
from decisions.models import Decision, DecisionStatusChange
from decisions.models_release import DecisionResultsRelease
from execution.models import ImportRun, MetricDefinition
from handoffs.models import HandoffRelease
from orgs.models import Organization, Team
from scoring.models_release import ResultRelease
from workshops.models import Workshop
from workshops.models_commitments import Commitment
from workshops.models_release import FollowThroughRelease

WATCHED: list[type[models.Model]] = [
    ResultRelease,
    DecisionResultsRelease,
    HandoffRelease,
    FollowThroughRelease,
    Decision,
    Workshop,
    Commitment,
    MetricDefinition,
    ImportRun,
    Team,
]


def _org_id(instance: Any) -> int | None:
    if isinstance(instance, Organization):
        return int(instance.pk) if instance.pk is not None else None
    if isinstance(instance, DecisionStatusChange):
        return (
            Decision.objects.filter(pk=instance.decision_id)
            .values_list("organization_id", flat=True)
            .first()
        )
    found = getattr(instance, "organization_id", None)
    return int(found) if found is not None else None


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    reads_changed(org_id=_org_id(instance))


def _org_event(org_id: int) -> None:
    reads_changed(org_id=org_id)


def invalidation_connect() -> None:
    models_: list[type[models.Model]] = [*WATCHED, Organization, DecisionStatusChange]
    for model in models_:
        uid = f"dashboards.reads.{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    registry.release_published.register("dashboards_reads", _org_event)
    registry.work_items_imported.register("dashboards_reads", _org_event)
    registry.team_tree_changed.register("dashboards_reads", _org_event)
