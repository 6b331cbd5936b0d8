"""Writes about people: create, edit, (de)activate, and GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.audit import audit_record
from core.models import AuditEntry
from core.registry import person_data
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.selectors import person_data_export


def _diff(obj: Any, new: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [getattr(obj, k), v] for k, v in new.items() if getattr(obj, k) != v}


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
        action="orgs.person.created",
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
            action="orgs.person.updated",
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
            action="orgs.person.reactivated" if active else "orgs.person.deactivated",
            obj=person,
            changes={"is_active": [not active, active]},
        )
    return person


def person_deactivate(*, person: Person, actor: Any) -> Person:
    return person_set_active(person=person, actor=actor, active=False)


def person_reactivate(*, person: Person, actor: Any) -> Person:
    return person_set_active(person=person, actor=actor, active=True)


def person_own_erase(person: Person) -> dict[str, int]:
    """Orgs' part of an erasure: the personal values in the history about the person and
    their roles here (which name their login) are blanked, and those roles removed. The
    history keeps that something happened, not to whom."""
    org_id, user_id = person.organization_id, person.user_id
    roles = (
        Membership.objects.filter(user_id=user_id, organization_id=org_id)
        if user_id is not None
        else Membership.objects.none()
    )
    role_ids = [str(pk) for pk in roles.values_list("pk", flat=True)]
    erased = AuditEntry.objects.filter(
        organization_id=org_id, object_type=Person._meta.label, object_id=str(person.pk)
    ).update(changes={"erased": True})
    erased += AuditEntry.objects.filter(
        organization_id=org_id, object_type=Membership._meta.label, object_id__in=role_ids
    ).update(changes={"erased": True})
    deleted, _ = roles.delete()
    return {"history_entries_erased": erased, "roles_deleted": deleted}


@transaction.atomic
def person_delete(*, person: Person, actor: Any) -> None:
    """Erase a person (GDPR): each app's rows about them (`core.registry.person_data`: their
    roles and history values, pulse invitations, check-in invitations, decision ownership),
    the record, and their login if it serves only this org. Anonymous answers are untouched:
    they have no link to the person."""
    org = person.organization
    pk = person.pk
    user = person.user
    if (
        user is not None
        and Membership.objects.filter(user=user, organization=org, role=Role.ADMIN).exists()
        and not Membership.objects.filter(organization=org, role=Role.ADMIN)
        .exclude(user=user)
        .exists()
    ):
        raise ValidationError(
            {
                "person": [
                    "This is the organization's last admin; grant admin to someone else first."
                ]
            }
        )
    counts: dict[str, Any] = {}
    for part in person_data:
        counts.update(part.erase(person))
    person.delete()
    account_deleted = False
    # The login goes too unless it still serves another org (or is staff).
    if (
        user is not None
        and not Membership.objects.filter(user=user).exists()
        and not (user.is_staff or user.is_superuser)
    ):
        get_user_model().objects.filter(pk=user.pk).delete()
        account_deleted = True
    counts["account_deleted"] = account_deleted
    audit_record(
        organization=org,
        actor=actor,
        action="orgs.person.deleted",
        obj=Person(pk=pk, organization=org),
        changes=counts,
    )


def person_export_record(*, person: Person, actor: Any) -> dict[str, Any]:
    """The GDPR export of one person, with the fact of the export written to the audit log."""
    data = person_data_export(person=person)
    audit_record(
        organization=person.organization, actor=actor, action="orgs.person.exported", obj=person
    )
    return data
