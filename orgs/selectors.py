"""Reads of the set-up area: team tree, people search, roles, audit log, GDPR export."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import ngettext

from core.models import AuditEntry
from core.registry import person_data
from orgs.import_plan import ExistingPerson, ExistingTeam
from orgs.models import ApiToken, Membership, Organization, Person, Team
from orgs.tenancy import scoped


def team_tree(
    *, organization: Organization, include_inactive: bool = True
) -> list[tuple[Team, int]]:
    """Every team with its depth, parents before children, siblings by name (2 queries)."""
    teams = list(
        scoped(Team, organization)
        .annotate(
            active_people=Count("people", filter=Q(people__is_active=True)),
        )
        .order_by("name")
    )
    if not include_inactive:
        teams = [t for t in teams if t.is_active]
    ids = {t.id for t in teams}
    children: dict[int | None, list[Team]] = {}
    for t in teams:
        # A team whose parent is filtered out shows as a root rather than vanishing.
        key = t.parent_id if t.parent_id in ids else None
        children.setdefault(key, []).append(t)
    out: list[tuple[Team, int]] = []
    stack: list[tuple[Team, int]] = [(t, 0) for t in reversed(children.get(None, []))]
    seen: set[int] = set()
    while stack:
        team, depth = stack.pop()
        if team.id in seen:
            continue
        seen.add(team.id)
        out.append((team, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(team.id, [])))
    return out


def team_choices(
    *, organization: Organization, keep: int | None = None, all_teams: bool = False
) -> list[tuple[str, str]]:
    """(id, indented name) for select boxes: active teams, plus the deactivated team `keep`
    (an object's current team, so editing it never silently drops it) or all of them."""
    return [
        (str(t.id), "\u2003" * depth + t.name + ("" if t.is_active else " (deactivated)"))
        for t, depth in team_tree(organization=organization)
        if t.is_active or all_teams or t.id == keep
    ]


def person_list(
    *,
    organization: Organization,
    query: str = "",
    team_id: int | None = None,
    status: str = "active",
) -> QuerySet[Person]:
    """People of the org, searched by name/email/external id, filtered by team and status."""
    qs = scoped(Person, organization).select_related("team", "user").order_by("name", "id")
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(external_id__iexact=query)
        )
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        scoped(Membership, organization)
        .select_related("user", "user__person")
        .prefetch_related("teams")
        .order_by("user__username", "role")
    )


def api_token_list(*, organization: Organization, user: Any) -> QuerySet[ApiToken]:
    """The user's API tokens for this organization, newest first (revoked ones too)."""
    return scoped(ApiToken, organization).filter(user=user).order_by("-created_at", "-id")


def audit_list(*, organization: Organization) -> QuerySet[AuditEntry]:
    return scoped(AuditEntry, organization).select_related("actor").order_by("-at", "-id")


def setup_counts(*, organization: Organization) -> dict[str, int]:
    return {
        "teams": scoped(Team, organization).filter(is_active=True).count(),
        "people": scoped(Person, organization).filter(is_active=True).count(),
        "inactive_people": scoped(Person, organization).filter(is_active=False).count(),
        "roles": scoped(Membership, organization).count(),
    }


def import_current_state(
    *, organization: Organization
) -> tuple[dict[str, ExistingTeam], dict[str, ExistingPerson]]:
    """The org's teams and people in the plain shape `orgs.importing.plan_import` compares with."""
    team_rows = list(scoped(Team, organization).values_list("id", "name", "parent_id", "is_active"))
    names = {tid: name for tid, name, _p, _a in team_rows}
    teams = {
        name.casefold(): ExistingTeam(name=name, parent=names.get(parent_id), is_active=active)
        for _tid, name, parent_id, active in team_rows
    }
    people = {
        email.lower(): ExistingPerson(
            email=email,
            name=name,
            team=names.get(team_id),
            external_id=external_id,
            attributes=attributes or {},
            is_active=active,
        )
        for email, name, team_id, external_id, attributes, active in scoped(
            Person, organization
        ).values_list("email", "name", "team_id", "external_id", "attributes", "is_active")
    }
    return teams, people


def person_own_data(person: Person) -> dict[str, Any]:
    """What orgs stores about a person: the record, the login, roles and the history about them
    (orgs' part of the GDPR export, registered in orgs.apps like every other app's part)."""
    memberships = []
    if person.user_id is not None:
        for m in Membership.objects.filter(
            user_id=person.user_id, organization_id=person.organization_id
        ).prefetch_related("teams"):
            memberships.append(
                {
                    "role": m.role,
                    "teams": sorted(t.name for t in m.teams.all()),
                    "since": m.created_at.isoformat(),
                }
            )
    audit = [
        {"at": e.at.isoformat(), "action": e.action, "changes": e.changes}
        for e in AuditEntry.objects.filter(
            organization_id=person.organization_id,
            object_type=Person._meta.label,
            object_id=str(person.pk),
        ).order_by("at", "id")
    ]
    user = person.user
    return {
        "organization": person.organization.name,
        "person": {
            "id": person.pk,
            "name": person.name,
            "email": person.email,
            "team": person.team.name if person.team else None,
            "external_id": person.external_id,
            "attributes": person.attributes,
            "is_active": person.is_active,
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
        },
        "account": (
            {
                "username": user.get_username(),
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "last_login": user.last_login.isoformat() if user.last_login else None,
                "date_joined": user.date_joined.isoformat(),
            }
            if user is not None
            else None
        ),
        "roles": memberships,
        # Never the hash: it is the credential's stand-in, not data about the person.
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": t.scope,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "last_used_on": t.last_used_on.isoformat() if t.last_used_on else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in (
                ApiToken.objects.filter(
                    user_id=person.user_id, organization_id=person.organization_id
                ).order_by("created_at", "id")
                if person.user_id is not None
                else []
            )
        ],
        "history": audit,
    }


def person_own_summary(person: Person) -> list[str]:
    """Orgs' lines of the delete confirmation: the roles `person_own_erase` would remove and
    the history entries whose personal values it would blank (none for what is absent)."""
    roles = (
        Membership.objects.filter(user_id=person.user_id, organization_id=person.organization_id)
        if person.user_id is not None
        else Membership.objects.none()
    )
    n_roles = roles.count()
    role_ids = [str(pk) for pk in roles.values_list("pk", flat=True)]
    history = AuditEntry.objects.filter(organization_id=person.organization_id).filter(
        Q(object_type=Person._meta.label, object_id=str(person.pk))
        | Q(object_type=Membership._meta.label, object_id__in=role_ids)
    )
    n_history = history.count()
    lines = []
    if n_roles:
        lines.append(
            ngettext("their role here", "their %(n)d roles here", n_roles) % {"n": n_roles}
        )
    if n_history:
        lines.append(
            ngettext(
                "the personal values in %(n)d history entry about them",
                "the personal values in %(n)d history entries about them",
                n_history,
            )
            % {"n": n_history}
        )
    return lines


def person_erase_summary(*, person: Person) -> list[str]:
    """What erasing the person would delete or unlink beyond the record and the login, in
    words: every app's lines from the registry the erasure itself runs (core.registry)."""
    return [line for part in person_data for line in part.summary(person)]


def person_data_export(*, person: Person) -> dict[str, Any]:
    """Everything stored about one person (GDPR access request): each app's registered part
    (`core.registry.person_data`: orgs, pulse invitations, decisions, check-in invitations).
    Answers are anonymous and carry no link to the person, so there is nothing of theirs
    to find there."""
    out: dict[str, Any] = {}
    for part in person_data:
        out.update(part.export(person))
    out["responses"] = (
        "Survey and check-in answers are stored without any link to a person, so none "
        "can be attributed to you or exported."
    )
    return out
