"""Template context: the navigation a user's roles allow (links to pages not built yet are skipped)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from decisions.permissions import can_log_decisions
from orgs.models import (
    DECISION_READ_ROLES,
    PULSE_ROLES,
    RESULTS_ROLES,
    RUBRIC_ROLES,
    SETUP_ROLES,
    Role,
)
from orgs.tenancy import Tenant, get_tenant
from scoring.selectors_reliability import RELIABILITY_ROLES


def employee_sees_team_results(tenant: Tenant) -> bool:
    """The org lets employees read their own team's results (and they have a team)."""
    return (
        Role.EMPLOYEE in tenant.roles
        and tenant.org.employees_see_team_results
        and tenant.own_team_id is not None
    )


@dataclass(frozen=True)
class Page:
    """A page of the main navigation: who sees it is the same rule its view enforces."""

    label: str
    url_name: str
    roles: tuple[str, ...]
    # Opens the page to users without one of `roles` (an org setting for employees).
    also: Callable[[Tenant], bool] | None = None

    def visible_to(self, tenant: Tenant) -> bool:
        return tenant.has_any_role(self.roles) or (self.also is not None and self.also(tenant))


# Apps add pages by adding rows here; the role sets live in orgs.models next to Role.
NAV: list[Page] = [
    Page("Dashboard", "dashboards:overview", RESULTS_ROLES),
    Page("Results", "scoring:results", RESULTS_ROLES, also=employee_sees_team_results),
    Page("Decisions", "decisions:list", DECISION_READ_ROLES, also=can_log_decisions),
    Page("Execution", "execution:page", RESULTS_ROLES),
    Page("Workshops", "workshops:list", RESULTS_ROLES),
    Page("Pulses", "surveys:round_list", PULSE_ROLES),
    Page("Rubric", "surveys:rubric", RUBRIC_ROLES),
    Page("Reliability", "scoring:reliability", RELIABILITY_ROLES),
    Page("Set-up", "orgs:setup", SETUP_ROLES),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    tenant = get_tenant(request) if getattr(request, "user", None) is not None else None
    items = []
    if tenant is not None:
        for page in NAV:
            if not page.visible_to(tenant):
                continue
            try:
                items.append({"label": page.label, "url": reverse(page.url_name)})
            except NoReverseMatch:
                continue
    return {"nav_items": items, "tenant": tenant}
