"""Who may see and run which workshop: one rule for pages, PDF and navigation.

A facilitator prepares and runs the workshops of the teams they facilitate (with sub-teams),
an org admin those of every team; a leader reads the workshops (report, commitments) of the
teams they lead. Anyone else of the org gets 403 on the pages, and a workshop outside a
user's teams (or of another org) is simply not there (404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from orgs.models import Role, Team
from orgs.tenancy import Tenant, scoped
from workshops.models import Workshop

WORKSHOP_ROLES: tuple[str, ...] = (Role.ADMIN, Role.LEADER, Role.FACILITATOR)
PREPARE_ROLES: tuple[str, ...] = (Role.ADMIN, Role.FACILITATOR)


def workshop_managed_team_ids(*, tenant: Tenant) -> frozenset[int] | None:
    """Teams whose workshops `tenant` may prepare and run; None = every team (admin)."""
    if tenant.is_admin:
        return None
    if Role.FACILITATOR not in tenant.roles:
        return frozenset()
    return tenant.facilitated_team_ids


def workshop_readable_team_ids(*, tenant: Tenant) -> frozenset[int] | None:
    """Teams whose workshops `tenant` may read; None = every team (admin)."""
    managed = workshop_managed_team_ids(tenant=tenant)
    if managed is None:
        return None
    led = tenant.led_team_ids if Role.LEADER in tenant.roles else frozenset()
    return managed | led


def workshops_readable(*, tenant: Tenant) -> QuerySet[Workshop]:
    qs = scoped(Workshop, tenant.org).select_related("team", "facilitator")
    teams = workshop_readable_team_ids(tenant=tenant)
    return qs if teams is None else qs.filter(team_id__in=teams)


def workshop_get(*, tenant: Tenant, pk: int) -> Workshop:
    """A workshop `tenant` may read, or NotFound (also for other orgs' workshops)."""
    workshop = workshops_readable(tenant=tenant).filter(pk=pk).first()
    if workshop is None:
        raise NotFound("No such workshop.")
    return workshop


def workshop_may_manage(*, tenant: Tenant, workshop: Workshop) -> bool:
    managed = workshop_managed_team_ids(tenant=tenant)
    return workshop.organization_id == tenant.org.pk and (
        managed is None or workshop.team_id in managed
    )


def workshop_team_choices(*, tenant: Tenant) -> list[Team]:
    """Active teams `tenant` may prepare a workshop for, by name."""
    qs = scoped(Team, tenant.org).filter(is_active=True).order_by("name")
    managed = workshop_managed_team_ids(tenant=tenant)
    return list(qs if managed is None else qs.filter(pk__in=managed))
