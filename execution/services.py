"""Writes of execution's settings: metric definitions, saved team names and status mappings."""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import InvalidInput
from execution.checks import name_key
from execution.metric_defaults import DEFAULT_METRICS
from execution.models import MetricDefinition, StatusCategory, StatusMapping, TeamAlias
from orgs.models import Organization, Team
from orgs.tenancy import scoped


def metric_definitions_ensure(*, organization: Organization) -> int:
    """Create the default definitions the org lacks (never overwrites an edit); returns count."""
    have = set(
        MetricDefinition.objects.filter(organization=organization).values_list("code", flat=True)
    )
    rows = [
        MetricDefinition(
            organization=organization,
            code=m.code,
            name=m.name,
            unit=m.unit,
            direction=m.direction,
            target=m.target,
            floor=m.floor,
            definition=m.definition,
            position=i,
        )
        for i, m in enumerate(DEFAULT_METRICS)
        if m.code not in have
    ]
    MetricDefinition.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def metric_definition_update(
    *, organization: Organization, actor: Any, code: str, target: float, floor: float
) -> MetricDefinition:
    """Change a metric's target and floor; they must differ (health scales between them)."""
    metric_definitions_ensure(organization=organization)
    definition = scoped(MetricDefinition, organization).filter(code=code).first()
    if definition is None:
        raise InvalidInput(f"Unknown metric {code!r}.", {"code": "unknown metric"})
    errors: dict[str, str] = {}
    for name, value in (("target", target), ("floor", floor)):
        if value is None or not math.isfinite(float(value)):
            errors[name] = "Enter a number."
    if not errors and float(target) == float(floor):
        errors["floor"] = "The floor must differ from the target (health is scaled between them)."
    if not errors:
        better = float(target) > float(floor)
        if better != (definition.direction == "higher"):
            word = "above" if definition.direction == "higher" else "below"
            errors["target"] = (
                f"{definition.name}: {definition.get_direction_display().lower()}, so the "
                f"target must be {word} the floor."
            )
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)
    before = {"target": definition.target, "floor": definition.floor}
    definition.target, definition.floor = float(target), float(floor)
    definition.save(update_fields=["target", "floor"])
    audit_record(
        organization=organization,
        actor=actor,
        action="execution.metric.update",
        obj=definition,
        changes={"code": code, "before": before, "after": {"target": target, "floor": floor}},
    )
    return definition


@transaction.atomic
def team_aliases_save(
    *, organization: Organization, actor: Any, mapping: dict[str, int | None]
) -> int:
    """Save raw team name → team id (None forgets the name); teams of another org are refused."""
    team_ids = {t for t in mapping.values() if t is not None}
    known = set(scoped(Team, organization).filter(pk__in=team_ids).values_list("pk", flat=True))
    bad = sorted(raw for raw, t in mapping.items() if t is not None and t not in known)
    if bad:
        raise InvalidInput(
            f"Not a team of {organization.name}: {', '.join(bad)}.", {"team": "unknown team"}
        )
    saved = 0
    for raw, team_id in mapping.items():
        key = name_key(raw)
        if not key:
            continue
        if team_id is None:
            TeamAlias.objects.filter(organization=organization, key=key).delete()
            continue
        TeamAlias.objects.update_or_create(
            organization=organization,
            key=key,
            defaults={"raw_name": str(raw).strip()[:200], "team_id": team_id},
        )
        saved += 1
    if saved:
        audit_record(
            organization=organization,
            actor=actor,
            action="execution.team_alias.saved",
            changes={"names": sorted(mapping)[:50], "count": saved},
        )
    return saved


@transaction.atomic
def status_mappings_save(*, organization: Organization, actor: Any, mapping: dict[str, str]) -> int:
    """Save raw status → category (todo, in_progress, blocked, done)."""
    valid = set(StatusCategory.values)
    bad = sorted(raw for raw, cat in mapping.items() if cat not in valid)
    if bad:
        raise InvalidInput(
            f"Choose to do, in progress, blocked or done for: {', '.join(bad)}.",
            {"category": "unknown category"},
        )
    saved = 0
    for raw, category in mapping.items():
        key = name_key(raw)
        if not key:
            continue
        StatusMapping.objects.update_or_create(
            organization=organization,
            key=key,
            defaults={"raw_status": str(raw).strip()[:200], "category": category},
        )
        saved += 1
    if saved:
        audit_record(
            organization=organization,
            actor=actor,
            action="execution.status_mapping.saved",
            changes={"statuses": dict(sorted(mapping.items())[:50])},
        )
    return saved
