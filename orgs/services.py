"""Writes of the organization set-up: settings, teams, people, GDPR deletion.

Every function is keyword-only, validates its input (raising Django's ValidationError
with the offending field named, so forms and the API both answer 400), and writes an
audit entry. Roles and API tokens are in `orgs.services_access`, the CSV import in
`orgs.services_import`; they are re-exported here so callers have one place to look.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError

from orgs.audit import audit_record
from orgs.models import AuditEntry, Membership, Organization, Person, ReportingPeriod, Team
from orgs.tenancy import descendant_ids

ORG_FIELDS = (
    "name",
    "reporting_period",
    "anonymity_k",
    "time_zone",
    "checkin_offsets_days",
    "employees_can_log_decisions",
    "employees_see_team_results",
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
            action="organization.updated",
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
    if team is not None and parent.pk in descendant_ids(organization.id, [team.pk]):
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
        action="team.created",
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
            organization=org, actor=actor, action="team.updated", obj=team, changes=changes
        )
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
            action="team.deactivated",
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
            action="team.reactivated",
            obj=team,
            changes={"is_active": [False, True]},
        )
    return team


@transaction.atomic
def team_delete(*, team: Team, actor: Any) -> None:
    """Delete a team nobody ever used; anything with history can only be deactivated."""
    if team.children.exists() or team.people.exists():
        raise ValidationError(
            {"team": ["This team has sub-teams or people; deactivate it instead."]}
        )
    org, pk, name = team.organization, team.pk, team.name
    try:
        with transaction.atomic():
            team.delete()
    except ProtectedError as exc:
        raise ValidationError(
            {"team": ["This team has survey history; deactivate it instead."]}
        ) from exc
    entry_obj = Team(pk=pk, organization=org, name=name)
    audit_record(
        organization=org, actor=actor, action="team.deleted", obj=entry_obj, changes={"name": name}
    )


# --- people -------------------------------------------------------------------------------


def _person_clean(
    *, organization: Organization, person: Person | None, fields: dict[str, Any]
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            value = str(value or "").strip()
            if not value:
                errors["name"] = ["The name cannot be empty."]
            elif len(value) > 200:
                errors["name"] = ["At most 200 characters."]
        elif key == "email":
            value = str(value or "").strip().lower()
            try:
                validate_email(value)
            except ValidationError:
                errors["email"] = ["Enter a valid email address."]
            else:
                clash = Person.objects.filter(organization=organization, email__iexact=value)
                if person is not None:
                    clash = clash.exclude(pk=person.pk)
                if clash.exists():
                    errors["email"] = [f"Someone in {organization.name} already has this email."]
        elif key == "team":
            if value is not None and value.organization_id != organization.id:
                errors["team"] = ["No such team."]
        elif key == "external_id":
            value = str(value or "").strip()
            if len(value) > 100:
                errors["external_id"] = ["At most 100 characters."]
        elif key == "attributes":
            value = value or {}
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str | int | float | bool)
                for k, v in value.items()
            ):
                errors["attributes"] = ['An object of simple values, e.g. {"location": "Berlin"}.']
            else:
                value = {k: v for k, v in value.items() if v not in ("", None)}
        else:
            errors[key] = ["Unknown field."]
        out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    actor: Any,
    name: str,
    email: str,
    team: Team | None = None,
    external_id: str = "",
    attributes: dict[str, Any] | None = None,
) -> Person:
    clean = _person_clean(
        organization=organization,
        person=None,
        fields={
            "name": name,
            "email": email,
            "team": team,
            "external_id": external_id,
            "attributes": attributes or {},
        },
    )
    person = Person.objects.create(organization=organization, **clean)
    audit_record(
        organization=organization,
        actor=actor,
        action="person.created",
        obj=person,
        changes={"name": person.name, "email": person.email, "team": team.name if team else None},
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Any, **fields: Any) -> Person:
    """Change name, email, team, external id or attributes."""
    clean = _person_clean(organization=person.organization, person=person, fields=fields)
    changes = _diff(person, clean)
    if changes:
        if "team" in changes:
            changes["team"] = [t.name if t else None for t in changes["team"]]
        for key, value in clean.items():
            setattr(person, key, value)
        person.save()
        audit_record(
            organization=person.organization,
            actor=actor,
            action="person.updated",
            obj=person,
            changes=changes,
        )
    return person


@transaction.atomic
def person_set_active(*, person: Person, actor: Any, active: bool) -> Person:
    """Deactivate (no more invitations, kept for history) or reactivate a person."""
    if person.is_active != active:
        person.is_active = active
        person.save(update_fields=["is_active", "updated_at"])
        audit_record(
            organization=person.organization,
            actor=actor,
            action="person.reactivated" if active else "person.deactivated",
            obj=person,
            changes={"is_active": [not active, active]},
        )
    return person


def person_deactivate(*, person: Person, actor: Any) -> Person:
    return person_set_active(person=person, actor=actor, active=False)


def person_reactivate(*, person: Person, actor: Any) -> Person:
    return person_set_active(person=person, actor=actor, active=True)


@transaction.atomic
def person_delete(*, person: Person, actor: Any) -> None:
    """Erase a person (GDPR): the record, their invitations, their login if it serves only this
    org, and the personal values in the audit history. Anonymous responses are untouched —
    they have no link to the person."""
    org = person.organization
    pk = person.pk
    user = person.user
    invitations = person.invitations.count()
    # The history keeps that something happened, not to whom: entries about the person and
    # about their roles (which name their login) lose their values.
    membership_ids = (
        [
            str(i)
            for i in Membership.objects.filter(user=user, organization=org).values_list(
                "pk", flat=True
            )
        ]
        if user is not None
        else []
    )
    AuditEntry.objects.filter(
        organization=org, object_type=Person._meta.label, object_id=str(pk)
    ).update(changes={"erased": True})
    AuditEntry.objects.filter(
        organization=org, object_type=Membership._meta.label, object_id__in=membership_ids
    ).update(changes={"erased": True})
    person.delete()  # invitations cascade
    account_deleted = False
    if user is not None:
        Membership.objects.filter(user=user, organization=org).delete()
        if not Membership.objects.filter(user=user).exists() and not (
            user.is_staff or user.is_superuser
        ):
            get_user_model().objects.filter(pk=user.pk).delete()
            account_deleted = True
    audit_record(
        organization=org,
        actor=actor,
        action="person.deleted",
        obj=Person(pk=pk, organization=org),
        changes={"invitations_deleted": invitations, "account_deleted": account_deleted},
    )


def person_export_record(*, person: Person, actor: Any) -> dict[str, Any]:
    """The GDPR export of one person, with the fact of the export written to the audit log."""
    from orgs.selectors import person_data_export

    data = person_data_export(person=person)
    audit_record(
        organization=person.organization, actor=actor, action="person.exported", obj=person
    )
    return data


# Roles, tokens and the CSV import live in their own modules; one import path for callers.
from orgs.services_access import (  # noqa: E402
    api_token_create,
    api_token_revoke,
    role_grant,
    role_revoke,
    role_set_teams,
)
from orgs.services_import import ImportRejected, ImportResult, people_import_apply  # noqa: E402

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
