"""Writes from the REST API: bulk observations and work items with their events.

Idempotent so a nightly job can re-send: observations by (team, period, metric, source "api"),
work items by (source, item id), events by (item, field, at, to). All or nothing: one bad row
refuses the whole request, naming each bad row, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import InvalidInput
from core.reads import reads_changed
from execution.checks import period_parse
from execution.derive import flow_metrics_recompute
from execution.metric_defaults import METRIC_CODES
from execution.models import Observation, ObservationSource, WorkItem, WorkItemEvent
from orgs.models import Organization, Team
from orgs.tenancy import scoped

ITEM_TIMES = ("created_at", "started_at", "done_at", "due_at", "canceled_at")


def _teams_check(
    organization: Organization, rows: list[dict[str, Any]], errors: dict[str, str]
) -> None:
    """Every team id must be a team of this organization (another org's ids are refused)."""
    wanted = {r["team"] for r in rows}
    known = set(scoped(Team, organization).filter(pk__in=wanted).values_list("pk", flat=True))
    for i, r in enumerate(rows):
        if r["team"] not in known:
            errors[f"{i}.team"] = f"team {r['team']} is not a team of {organization.name}"


@transaction.atomic
def observations_receive(
    *, organization: Organization, actor: Any, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Store metric values sent by a tool: rows of team (id), period, metric, value."""
    errors: dict[str, str] = {}
    _teams_check(organization, rows, errors)
    cells: dict[tuple[int, dt.date, str], float] = {}
    for i, r in enumerate(rows):
        start, why = period_parse(str(r["period"]), organization.reporting_period)
        if start is None:
            errors[f"{i}.period"] = f"{r['period']!r}: {why}"
        if r["metric"] not in METRIC_CODES:
            errors[f"{i}.metric"] = (
                f"unknown metric {r['metric']!r} (known: {', '.join(METRIC_CODES)})"
            )
        if start is not None:
            key = (r["team"], start, r["metric"])
            if key in cells:
                errors[f"{i}"] = "the same team, period and metric twice in one request"
            cells[key] = float(r["value"])
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s); nothing was stored.", errors)
    reads_changed(org_id=organization.pk)  # the dashboards show these values (core.reads)
    Observation.objects.bulk_create(
        [
            Observation(
                organization=organization,
                team_id=t,
                period=p,
                metric=m,
                value=v,
                source=ObservationSource.API,
            )
            for (t, p, m), v in cells.items()
        ],
        update_conflicts=True,
        unique_fields=["organization", "team", "period", "metric", "source"],
        update_fields=["value", "updated_at"],
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="execution.api.received",
        changes={"observations": len(cells)},
    )
    return {"observations": len(cells)}


@transaction.atomic
def work_items_receive(
    *, organization: Organization, actor: Any, source: str, items: list[dict[str, Any]]
) -> dict[str, int]:
    """Store work items (team id, times, raw status) and their events; derive flow metrics."""
    errors: dict[str, str] = {}
    _teams_check(organization, items, errors)
    seen: set[str] = set()
    for i, it in enumerate(items):
        if it["item_id"] in seen:
            errors[f"{i}.item_id"] = f"item {it['item_id']!r} twice in one request"
        seen.add(it["item_id"])
        done, start, created = it.get("done_at"), it.get("started_at"), it.get("created_at")
        if done and ((start and done < start) or (created and done < created)):
            errors[f"{i}.done_at"] = "done before it was created or started"
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s); nothing was stored.", errors)
    WorkItem.objects.bulk_create(
        [
            WorkItem(
                organization=organization,
                source=source,
                item_id=it["item_id"],
                team_id=it["team"],
                title=it.get("title", ""),
                status=it.get("status", ""),
                assignee=it.get("assignee") or "",
                **{k: it.get(k) for k in ITEM_TIMES},
            )
            for it in items
        ],
        update_conflicts=True,
        unique_fields=["organization", "source", "item_id"],
        update_fields=["team", "title", "status", "assignee", *ITEM_TIMES, "updated_at"],
    )
    ids = dict(
        WorkItem.objects.filter(
            organization=organization, source=source, item_id__in=seen
        ).values_list("item_id", "pk")
    )
    before = WorkItemEvent.objects.filter(item_id__in=ids.values()).count()
    WorkItemEvent.objects.bulk_create(
        [
            WorkItemEvent(
                organization=organization,
                item_id=ids[it["item_id"]],
                field=ev["field"],
                from_value=ev.get("from_value") or "",
                to_value=ev.get("to_value") or "",
                at=ev["at"],
            )
            for it in items
            for ev in it.get("events", [])
        ],
        ignore_conflicts=True,
    )
    new_events = WorkItemEvent.objects.filter(item_id__in=ids.values()).count() - before
    derived = flow_metrics_recompute(organization=organization)
    audit_record(
        organization=organization,
        actor=actor,
        action="execution.api.received",
        changes={"source": source, "items": len(items), "new_events": new_events},
    )
    return {"items": len(items), "new_events": new_events, "derived": derived}
