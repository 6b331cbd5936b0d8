"""Tenant isolation and role checks: the one place every read and write path goes through.

Views never filter by organization themselves. They call `scoped()` /
`get_scoped_or_404()` (or inherit the mixins below), so an object of another
organization is simply not there (404), whatever the URL says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.http import HttpRequest
from rest_framework import permissions

from core.errors import NotFound

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

from orgs.api_auth import TokenScopeAllows
from orgs.models import ApiToken, Membership, Organization, Person, Role, Team

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Tenant:
    """The organization a request acts in, and what the user may do there."""

    org: Organization
    user_id: int
    roles: frozenset[str]
    # Teams named on leader / facilitator memberships, *with* all their sub-teams.
    led_team_ids: frozenset[int] = field(default_factory=frozenset)
    facilitated_team_ids: frozenset[int] = field(default_factory=frozenset)
    own_team_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & set(roles))

    def visible_team_ids(self) -> frozenset[int] | None:
        """Team ids whose aggregates this user may read; None means every team (admin)."""
        if self.is_admin:
            return None
        ids = set(self.led_team_ids) | set(self.facilitated_team_ids)
        if self.org.employees_see_team_results and self.own_team_id is not None:
            ids.add(self.own_team_id)
        return frozenset(ids)

    def can_see_team(self, team_id: int) -> bool:
        visible = self.visible_team_ids()
        return visible is None or team_id in visible


def descendant_ids(org_id: int, roots: Iterable[int]) -> set[int]:
    """The given teams and every team below them, from one query of the org's tree."""
    return Organization(pk=org_id).team_tree().descendants(roots)


def tenant_for_user(user: Any, org: Organization | None = None) -> Tenant | None:
    """Build the Tenant of an authenticated user (their first org unless one is given).

    Every request of a page pays this (the permission check runs before any cached page is
    served), so it costs one query for an admin or employee (memberships with their org and
    the user's person, written out: `_membership_rows`) and two for a leader or facilitator
    (+ the teams they cover, one recursive query).
    """
    if not getattr(user, "is_authenticated", False):
        return None
    rows = _membership_rows(user.pk, org.pk if org else None)
    if not rows:
        return None
    org = rows[0][4]
    mine = [r for r in rows if r[4].pk == org.pk]
    roles = frozenset(role for _m, role, _t, _o, _org in mine)
    role_of = {m: role for m, role, _t, _o, _org in mine if role in (Role.LEADER, Role.FACILITATOR)}
    covered = _covered_teams(org.id, list(role_of)) if role_of else []
    led = frozenset(t for m, t in covered if role_of[m] == Role.LEADER)
    fac = frozenset(t for m, t in covered if role_of[m] == Role.FACILITATOR)
    _m, _r, person_team, person_org, _org = rows[0]
    own_team = person_team if person_org == org.id else None  # no person: both None
    return Tenant(
        org=org,
        user_id=user.pk,
        roles=roles,
        led_team_ids=led,
        facilitated_team_ids=fac,
        own_team_id=own_team,
    )


def _membership_rows(
    user_id: int, org_id: int | None
) -> list[tuple[int, str, int | None, int | None, Organization]]:
    """(membership id, role, the user's person's team and org, the membership's org) of the
    user's memberships, ordered by org then membership: one SQL statement, written out rather
    than compiled by the ORM on every request (compiling the joined query cost more than
    running it, on the path every page pays before a cached page is served). A raw queryset
    still converts the org's columns as the ORM does; the other columns ride along."""
    o = Organization._meta.db_table
    sql = (
        f"SELECT o.*, m.id AS tenancy_membership_id, m.role AS tenancy_role,"
        f" p.team_id AS tenancy_person_team, p.organization_id AS tenancy_person_org"
        f" FROM {Membership._meta.db_table} m JOIN {o} o ON o.id = m.organization_id"
        f" LEFT JOIN {Person._meta.db_table} p ON p.user_id = m.user_id"
        f" WHERE m.user_id = %s"
        + (" AND m.organization_id = %s" if org_id is not None else "")
        + " ORDER BY m.organization_id, m.id"
    )
    params = [user_id] if org_id is None else [user_id, org_id]
    out = []
    first: dict[int, Organization] = {}
    for row in Organization.objects.raw(sql, params):
        org = first.setdefault(row.pk, row)  # one instance per org, as select_related gave
        out.append(
            (
                int(getattr(row, "tenancy_membership_id")),  # noqa: B009 (raw columns)
                str(getattr(row, "tenancy_role")),  # noqa: B009
                getattr(row, "tenancy_person_team"),  # noqa: B009
                getattr(row, "tenancy_person_org"),  # noqa: B009
                org,
            )
        )
    return out


def _covered_teams(org_id: int, membership_ids: list[int]) -> list[tuple[int, int]]:
    """(membership id, team id) of the org's teams named on these memberships and every team
    below them: one recursive query instead of loading the org's whole tree (the same set as
    `TeamTree.descendants` on the org's tree: teams of another org are never reached; UNION,
    not UNION ALL, so a cycle cannot loop)."""
    through = Membership.teams.through._meta.db_table
    team = Team._meta.db_table
    marks = ", ".join(["%s"] * len(membership_ids))
    sql = (
        f"WITH RECURSIVE covered(membership_id, team_id) AS ("
        f" SELECT m.membership_id, m.team_id FROM {through} m"
        f" JOIN {team} r ON r.id = m.team_id AND r.organization_id = %s"
        f" WHERE m.membership_id IN ({marks})"
        f" UNION SELECT covered.membership_id, t.id FROM {team} t"
        f" JOIN covered ON t.parent_id = covered.team_id WHERE t.organization_id = %s"
        f") SELECT membership_id, team_id FROM covered"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, *membership_ids, org_id])
        return [(int(m), int(t)) for m, t in cursor.fetchall()]


def tenant_field(model: type[models.Model]) -> str:
    """The lookup path from a model to its Organization (TENANT_FIELD, default 'organization')."""
    return getattr(model, "TENANT_FIELD", "organization")


def scoped(
    model_or_qs: type[M] | models.QuerySet[M], org: Organization | None
) -> models.QuerySet[M]:
    """Only the rows of `org`. With no org, nothing at all (never everything)."""
    qs = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    if org is None:
        return qs.none()
    path = tenant_field(qs.model)
    return qs.filter(**{path if path.endswith("_id") else f"{path}_id": org.pk})


def get_scoped_or_404(
    model_or_qs: type[M] | models.QuerySet[M], org: Organization | None, **lookup: Any
) -> M:
    """Fetch one object of `org` or raise NotFound (also for objects of other orgs, unsaid)."""
    qs = scoped(model_or_qs, org)
    try:
        return qs.get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        # A domain error, so pages answer with the site's 404 page (also under DEBUG).
        name = qs.model._meta.verbose_name
        raise NotFound(f"There is no such {name} in your organization.") from exc


def get_tenant(request: HttpRequest) -> Tenant | None:
    """The request's Tenant (None for anonymous users and users of no org), cached per user.

    An API token acts in its own organization (and only while its user is still a member
    there); a session acts in the user's first organization.
    Cached against the user and token because DRF authenticates tokens after middleware ran:
    the same HttpRequest may first be anonymous, then a token user.
    """
    request = getattr(request, "_request", request)  # accept a DRF Request too
    user = getattr(request, "user", None)
    auth = getattr(request, "auth", None)
    token = auth if isinstance(auth, ApiToken) else None
    key = (getattr(user, "pk", None), token.pk if token is not None else None)
    cached = getattr(request, "_trustos_tenant", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if user is None:
        tenant = None
    elif token is not None:
        tenant = tenant_for_user(user, org=token.organization)
    else:
        tenant = tenant_for_user(user)
    setattr(request, "_trustos_tenant", (key, tenant))  # noqa: B010 (a per-request cache)
    return tenant


def require_tenant(request: HttpRequest, roles: Iterable[str] | None = None) -> Tenant:
    """The request's Tenant, or PermissionDenied when missing or lacking every role in `roles`."""
    tenant = get_tenant(request)
    if tenant is None:
        raise PermissionDenied("You are not a member of any organization.")
    if roles is not None and not tenant.has_any_role(roles):
        raise PermissionDenied("Your role does not allow this.")
    return tenant


class TenantRequiredMixin(LoginRequiredMixin):
    """Class-based view mixin: logged in, member of an org, and holding one of `allowed_roles`."""

    allowed_roles: tuple[str, ...] | None = None
    tenant: Tenant

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.tenant = require_tenant(request, self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)


class HasTenantRole(permissions.BasePermission):
    """DRF permission: the user belongs to an org and holds one of view.allowed_roles."""

    message = "You are not a member of an organization with a role that allows this."

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = TokenScopeAllows()
        if not scope.has_permission(request, view):
            # Checked here too: views that set permission_classes replace the default one.
            self.message = scope.message
            return False
        tenant = get_tenant(request)
        if tenant is None:
            return False
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None:
            return True
        if request.method in permissions.SAFE_METHODS:
            allowed = getattr(view, "read_roles", allowed)
        return tenant.has_any_role(allowed)


class TenantScopedAPIMixin:
    """DRF view mixin: querysets limited to the request's org; creates stamped with it."""

    permission_classes: Sequence[_PermissionClass] = [
        permissions.IsAuthenticated,
        HasTenantRole,
    ]
    allowed_roles: tuple[str, ...] | None = (Role.ADMIN,)

    @property
    def tenant(self) -> Tenant:
        tenant = get_tenant(self.request)  # type: ignore[attr-defined]
        if tenant is None:
            raise PermissionDenied("You are not a member of any organization.")
        return tenant

    def get_queryset(self) -> models.QuerySet:
        return scoped(super().get_queryset(), self.tenant.org)  # type: ignore[misc]

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = super().get_serializer_context()  # type: ignore[misc]
        ctx["tenant"] = get_tenant(self.request)  # type: ignore[attr-defined]
        return ctx


__all__ = [
    "HasTenantRole",
    "Tenant",
    "TenantRequiredMixin",
    "TenantScopedAPIMixin",
    "descendant_ids",
    "get_scoped_or_404",
    "get_tenant",
    "require_tenant",
    "scoped",
    "tenant_for_user",
]
