"""Who may log, edit and read which decisions (built on orgs.tenancy, never on raw org filters).

- admins: every team; may also log a decision with stakeholders only (no affected team);
- leaders: the teams they lead (with sub-teams); facilitators: the teams they facilitate;
- employees: their own team, and only when `org.employees_can_log_decisions`.
Non-admins must name at least one affected team, all inside the teams they may log for.
Reading: decisions that touch (affected team or explicit stakeholder's team) a team the
user may see or log for, plus decisions they created.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from decisions.models import Decision
from orgs.models import Role
from orgs.tenancy import Tenant, scoped


def loggable_team_ids(tenant: Tenant) -> frozenset[int] | None:
    """Teams the user may log decisions for; None = every team (admin)."""
    if tenant.is_admin:
        return None
    ids: set[int] = set()
    if Role.LEADER in tenant.roles:
        ids |= tenant.led_team_ids
    if Role.FACILITATOR in tenant.roles:
        ids |= tenant.facilitated_team_ids
    if (
        Role.EMPLOYEE in tenant.roles
        and tenant.org.employees_can_log_decisions
        and tenant.own_team_id is not None
    ):
        ids.add(tenant.own_team_id)
    return frozenset(ids)


def can_log_decisions(tenant: Tenant | None) -> bool:
    if tenant is None:
        return False
    ids = loggable_team_ids(tenant)
    return ids is None or bool(ids)


def readable_team_ids(tenant: Tenant) -> frozenset[int] | None:
    visible = tenant.visible_team_ids()
    loggable = loggable_team_ids(tenant)
    if visible is None or loggable is None:
        return None
    return visible | loggable


def decisions_readable(tenant: Tenant) -> QuerySet[Decision]:
    """The org's decisions this user may open (tenancy first, then team visibility)."""
    qs = scoped(Decision, tenant.org)
    ids = readable_team_ids(tenant)
    if ids is None:
        return qs
    touching = (
        Q(affected_teams__in=ids) | Q(stakeholders__team__in=ids) | Q(created_by_id=tenant.user_id)
    )
    return qs.filter(pk__in=qs.filter(touching).values("pk"))


def check_may_log_for(tenant: Tenant, team_ids: Iterable[int]) -> None:
    """Raise ValidationError naming `affected_teams` unless the user may log for all of them."""
    allowed = loggable_team_ids(tenant)
    team_ids = set(team_ids)
    if allowed is None:
        return
    if not allowed:
        raise ValidationError(
            {"affected_teams": "Your role does not allow logging decisions in this organization."}
        )
    if not team_ids:
        raise ValidationError(
            {"affected_teams": "Name at least one affected team that you may log decisions for."}
        )
    outside = team_ids - allowed
    if outside:
        raise ValidationError(
            {
                "affected_teams": "You may only log decisions for teams you lead, facilitate"
                " or (if your organization allows it) belong to."
            }
        )


def may_edit(tenant: Tenant, decision: Decision) -> bool:
    """Admins, or users who may log for every team the decision affects (and it affects one)."""
    allowed = loggable_team_ids(tenant)
    if allowed is None:
        return True
    teams = {t.pk for t in decision.affected_teams.all()}
    return bool(teams) and teams <= allowed
