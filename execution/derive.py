"""Derived flow metrics: the org's work items → trustmath.flow → Observation rows "derived".

Called at the end of every import (inside its transaction, so a failed derivation leaves the
import undone too) and by the API. Items are attributed to the one team of their team column;
a task belongs to the period it was finished in, in the org's time zone (trustmath.flow).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from core.reads import reads_changed
from execution import maths
from execution.checks import name_key
from execution.models import (
    EventField,
    Observation,
    ObservationSource,
    StatusMapping,
    TeamAlias,
    WorkItem,
    WorkItemEvent,
)
from orgs.models import Organization

ITEM_FIELDS = [
    "title",
    "status",
    "assignee",
    "created_at",
    "started_at",
    "done_at",
    "due_at",
    "canceled_at",
]


def team_lookup(*, organization: Organization) -> dict[str, int]:
    """Raw team name key → team id: our team names, then saved aliases (which win)."""
    tree = organization.team_tree()
    lookup = {name_key(name): tid for tid, name in tree.names.items()}
    lookup.update(
        {
            key: tid
            for key, tid in TeamAlias.objects.filter(organization=organization).values_list(
                "key", "team_id"
            )
        }
    )
    return lookup


def status_map(*, organization: Organization) -> dict[str, str]:
    """Raw status → category, under both the name as saved and its matching key."""
    out: dict[str, str] = {}
    for raw, key, cat in StatusMapping.objects.filter(organization=organization).values_list(
        "raw_status", "key", "category"
    ):
        out[raw] = cat
        out[key] = cat
    return out


def work_frames(*, organization: Organization) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The canonical items and events frames of the org (item_id = our row id, team = team id)."""
    items = pd.DataFrame(
        list(
            WorkItem.objects.filter(organization=organization, team__isnull=False).values(
                "pk", "source", "item_id", "team_id", *ITEM_FIELDS
            )
        ),
        columns=["pk", "source", "item_id", "team_id", *ITEM_FIELDS],
    )
    items = items.rename(columns={"item_id": "source_item_id", "team_id": "team"})
    items["item_id"] = items.pop("pk").astype(str)
    for col in ("created_at", "started_at", "done_at", "due_at", "canceled_at"):
        items[col] = pd.to_datetime(items[col], utc=True)
    items["assignee"] = items["assignee"].replace("", None)
    events = pd.DataFrame(
        list(
            WorkItemEvent.objects.filter(organization=organization).values(
                "item_id", "field", "from_value", "to_value", "at"
            )
        ),
        columns=["item_id", "field", "from_value", "to_value", "at"],
    )
    events["item_id"] = events["item_id"].astype(str)
    events["at"] = pd.to_datetime(events["at"], utc=True)
    for col in ("from_value", "to_value"):
        # object, not string dtype: team changes below hold our team ids (ints)
        events[col] = events[col].astype(object).replace("", None)
    # Team changes name teams as the export spells them; the maths compares our team ids.
    teams = team_lookup(organization=organization)
    is_team = events["field"] == EventField.TEAM
    for col in ("from_value", "to_value"):
        mapped = events.loc[is_team, col].map(lambda v: teams.get(name_key(v)) if v else None)
        events.loc[is_team, col] = mapped
    return items, events


def flow_metrics_recompute(*, organization: Organization, as_of: dt.datetime | None = None) -> int:
    """Replace the org's derived observations with flow metrics of its work items; returns rows."""
    reads_changed(org_id=organization.pk)  # the dashboards show these metrics (core.reads)
    items, events = work_frames(organization=organization)
    Observation.objects.filter(organization=organization, source=ObservationSource.DERIVED).delete()
    if items.empty:
        return 0
    stamp = pd.Timestamp(as_of or timezone.now())
    metrics = maths.flow_metrics(
        items,
        events,
        status_map=status_map(organization=organization),
        tz=organization.tz.key,
        period=organization.reporting_period,
        as_of=stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC"),
    )
    metrics = metrics.dropna(subset=["value"])
    rows = [
        Observation(
            organization=organization,
            team_id=int(team),
            period=pd.Timestamp(period).date(),
            metric=str(metric),
            value=float(value),
            n=None if pd.isna(n) else int(n),
            source=ObservationSource.DERIVED,
        )
        for team, period, metric, value, n in metrics[
            ["team", "period", "metric", "value", "n"]
        ].itertuples(index=False)
    ]  # one row per team × period × metric (aggregates, not work items)
    Observation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
