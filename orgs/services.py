"""Writes of the organization set-up: settings and the team tree (plus one import path).

Every function is keyword-only, validates its input (raising Django's ValidationError
with the offending field named, so forms and the API both answer 400), and writes an
audit entry. People are in `orgs.services_people`, roles and API tokens in
`orgs.services_access`, the CSV import in `orgs.services_import`; all are re-exported
here so callers have one place to look.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from core.audit import audit_record
from core.registry import team_tree_changed
from orgs.models import Organization, ReportingPeriod, Team

ORG_FIELDS = (
    "name",
    "reporting_period",
    "anonymity_k",
    "time_zone",
    "checkin_offsets_days",
    "employees_can_log_decisions",
    "employees_see_team_results",
    "comment_k",
)
MIN_K, MAX_K = 3, 50


@cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _diff(obj: Any, new: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [getattr(obj, k), v] for k, v in new.items() if getattr(obj, k) != v}


# --- organization -------------------------------------------------------------------------


def organization_validate(**fields: Any) -> dict[str, Any]:
    """Check and normalise settings; raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in ORG_FIELDS:
            errors.setdefault(key, []).append("Unknown setting.")
            continue
        if key == "name":
            value = str(value or "").strip()
            if not value:
                errors.setdefault(key, []).append("The name cannot be empty.")
            elif len(value) > 200:
                errors.setdefault(key, []).append("At most 200 characters.")
        elif key == "reporting_period":
            if value not in ReportingPeriod.values:
                errors.setdefault(key, []).append(
                    f"Choose one of: {', '.join(ReportingPeriod.values)}."
                )
        elif key == "anonymity_k":
            if isinstance(value, bool) or not isinstance(value, int):
                errors.setdefault(key, []).append("A whole number is required.")
            elif value < MIN_K:
                errors.setdefault(key, []).append(
                    f"The anonymity threshold cannot be below {MIN_K}: with fewer respondents "
                    "someone can subtract their own answer and read another's."
                )
            elif value > MAX_K:
                errors.setdefault(key, []).append(f"At most {MAX_K}.")
        elif key == "comment_k":
            k = fields.get("anonymity_k")
            k = k if isinstance(k, int) and not isinstance(k, bool) else MIN_K
            if isinstance(value, bool) or not isinstance(value, int):
                errors.setdefault(key, []).append("A whole number is required.")
            elif value < max(k, MIN_K):
                errors.setdefault(key, []).append(
                    f"The comment threshold cannot be below the anonymity threshold ({k})."
                )
            elif value > MAX_K:
                errors.setdefault(key, []).append(f"At most {MAX_K}.")
        elif key == "time_zone":
            value = str(value or "").strip()
            if value not in valid_time_zones():
                errors.setdefault(key, []).append(
                    f"'{value}' is not a known time zone (e.g. Europe/Berlin, America/Toronto, UTC)."
                )
        elif key == "checkin_offsets_days":
            if (
                not isinstance(value, list | tuple)
                or not value
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ):
                errors.setdefault(key, []).append("A list of whole numbers of days, e.g. 7, 30.")
            elif any(v < 1 or v > 365 for v in value):
                errors.setdefault(key, []).append("Each offset must be between 1 and 365 days.")
            elif len(value) > 6:
                errors.setdefault(key, []).append("At most 6 check-ins per decision.")
            else:
                value = sorted(set(value))
        elif key in (
            "employees_can_log_decisions",
            "employees_see_team_results",
        ) and not isinstance(value, bool):
            errors.setdefault(key, []).append("Must be true or false.")
        out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def organization_update(*, organization: Organization, actor: Any, **fields: Any) -> Organization:
    """Change org settings (name, period, k ≥ 3, time zone, check-in offsets, employee flags)."""
    clean = organization_validate(**fields)
    changes = _diff(organization, clean)
    if changes:
        for key, value in clean.items():
            setattr(organization, key, value)
        organization.save(update_fields=list(changes))
        audit_record(
            organization=organization,
            actor=actor,
            action="orgs.organization.updated",
            obj=organization,
            changes=changes,
        )
    return organization


# --- teams --------------------------------------------------------------------------------


def _team_check_name(*, organization: Organization, name: str, exclude_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["The team name cannot be empty."]})
    if len(name) > 200:
        raise ValidationError({"name": ["At most 200 characters."]})
    clash = Team.objects.filter(organization=organization, name__iexact=name)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    existing = clash.first()
    if existing is not None:
        raise ValidationError({"name": [f"There is already a team called '{existing.name}'."]})
    return name


def _team_check_parent(
    *, organization: Organization, team: Team | None, parent: Team | None
) -> None:
    if parent is None:
        return
    if parent.organization_id != organization.id:
        # Same message as a missing team: another org's ids are not confirmed to exist.
        raise ValidationError({"parent": ["No such team."]})
    # A fresh tree, not the cached one: a cycle check must see the latest moves.
    tree = organization.team_tree_refresh()
    if team is not None and parent.pk in tree.descendants([team.pk]):
        what = "itself" if parent.pk == team.pk else f"its own sub-team '{parent.name}'"
        raise ValidationError(
            {"parent": [f"'{team.name}' cannot be placed under {what}: that would make a cycle."]}
        )


@transaction.atomic
def team_create(
    *, organization: Organization, actor: Any, name: str, parent: Team | None = None
) -> Team:
    name = _team_check_name(organization=organization, name=name, exclude_id=None)
    _team_check_parent(organization=organization, team=None, parent=parent)
    team = Team.objects.create(organization=organization, name=name, parent=parent)
    audit_record(
        organization=organization,
        actor=actor,
        action="orgs.team.created",
        obj=team,
        changes={"name": name, "parent": parent.name if parent else None},
    )
    return team


_UNSET: Any = object()


@transaction.atomic
def team_update(
    *, team: Team, actor: Any, name: str = _UNSET, parent: Team | None = _UNSET
) -> Team:
    """Rename and/or move a team; a move under itself or its own sub-team is refused."""
    org = team.organization
    changes: dict[str, list[Any]] = {}
    if name is not _UNSET:
        name = _team_check_name(organization=org, name=name, exclude_id=team.pk)
        if name != team.name:
            changes["name"] = [team.name, name]
            team.name = name
    if parent is not _UNSET:
        _team_check_parent(organization=org, team=team, parent=parent)
        if (parent.pk if parent else None) != team.parent_id:
            changes["parent"] = [
                team.parent.name if team.parent else None,
                parent.name if parent else None,
            ]
            team.parent = parent
    if changes:
        team.save()
        audit_record(
            organization=org, actor=actor, action="orgs.team.updated", obj=team, changes=changes
        )
        if "parent" in changes:  # stored results no longer fit the tree: apps recompute
            team_tree_changed.announce(org.pk)
    return team


@transaction.atomic
def team_deactivate(*, team: Team, actor: Any) -> Team:
    """Stop using a team (kept for history). Its active sub-teams must be moved or deactivated first."""
    active_children = list(team.children.filter(is_active=True).values_list("name", flat=True))
    if active_children:
        raise ValidationError(
            {
                "team": [
                    f"'{team.name}' still has active sub-teams ({', '.join(sorted(active_children))}); "
                    "move or deactivate them first."
                ]
            }
        )
    if team.is_active:
        team.is_active = False
        team.save(update_fields=["is_active"])
        audit_record(
            organization=team.organization,
            actor=actor,
            action="orgs.team.deactivated",
            obj=team,
            changes={"is_active": [True, False]},
        )
    return team


@transaction.atomic
def team_reactivate(*, team: Team, actor: Any) -> Team:
    if team.parent is not None and not team.parent.is_active:
        raise ValidationError({"team": [f"Reactivate its parent '{team.parent.name}' first."]})
    if not team.is_active:
        team.is_active = True
        team.save(update_fields=["is_active"])
        audit_record(
            organization=team.organization,
            actor=actor,
            action="orgs.team.reactivated",
            obj=team,
            changes={"is_active": [False, True]},
        )
    return team


@transaction.atomic
def team_delete(*, team: Team, actor: Any) -> None:
    """Delete a team nothing refers to; a team with history can only be deactivated."""
    # Every relation to a team, also those other apps add later (rounds, decisions, ...).
    for rel in Team._meta.related_objects:
        model = cast(type[models.Model], rel.related_model)  # never "self" on a reverse relation
        if model._default_manager.filter(**{rel.field.name: team}).exists():
            what = {"orgs.Team": "sub-teams", "orgs.Person": "people"}.get(
                model._meta.label, model._meta.verbose_name_plural
            )
            raise ValidationError({"team": [f"This team still has {what}; deactivate it instead."]})
    org, pk, name = team.organization, team.pk, team.name
    try:
        with transaction.atomic():
            team.delete()
    except ProtectedError as exc:
        raise ValidationError({"team": ["This team has history; deactivate it instead."]}) from exc
    audit_record(
        organization=org,
        actor=actor,
        action="orgs.team.deleted",
        obj=Team(pk=pk, organization=org, name=name),
        changes={"name": name},
    )


# People, roles, tokens and the CSV import live in their own modules; one import path for callers.
from orgs.services_access import (  # noqa: E402
    api_token_create,
    api_token_revoke,
    role_grant,
    role_revoke,
    role_set_teams,
)
from orgs.services_import import ImportRejected, ImportResult, people_import_apply  # noqa: E402
from orgs.services_people import (  # noqa: E402
    person_create,
    person_deactivate,
    person_delete,
    person_export_record,
    person_reactivate,
    person_set_active,
    person_update,
)

__all__ = [
    "ImportRejected",
    "ImportResult",
    "api_token_create",
    "api_token_revoke",
    "organization_update",
    "people_import_apply",
    "person_create",
    "person_deactivate",
    "person_delete",
    "person_export_record",
    "person_reactivate",
    "person_set_active",
    "person_update",
    "role_grant",
    "role_revoke",
    "role_set_teams",
    "team_create",
    "team_deactivate",
    "team_delete",
    "team_reactivate",
    "team_update",
]
