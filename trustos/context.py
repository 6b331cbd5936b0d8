"""Template context: the navigation a user's roles allow (links to pages not built yet are skipped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from orgs.models import Role
from orgs.tenancy import get_tenant

# (label, url name, roles that see it). Apps add pages by adding rows here.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("Results", "scoring:results", (Role.ADMIN, Role.LEADER, Role.FACILITATOR)),
    ("Decisions", "decisions:list", (Role.ADMIN, Role.LEADER, Role.FACILITATOR)),
    ("Pulses", "surveys:round_list", (Role.ADMIN, Role.LEADER)),
    ("Rubric", "surveys:rubric", (Role.ADMIN, Role.FACILITATOR, Role.LEADER)),
    ("Set-up", "orgs:setup", (Role.ADMIN,)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    tenant = get_tenant(request) if getattr(request, "user", None) is not None else None
    items = []
    if tenant is not None:
        for label, name, roles in NAV:
            # Employees log decisions for their own team when the org allows it.
            employee_logs = (
                name == "decisions:list"
                and Role.EMPLOYEE in tenant.roles
                and tenant.org.employees_can_log_decisions
            )
            if not (tenant.has_any_role(roles) or employee_logs):
                continue
            try:
                items.append({"label": label, "url": reverse(name)})
            except NoReverseMatch:
                continue
    return {"nav_items": items, "tenant": tenant}
