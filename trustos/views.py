"""Project-level views: the landing page after login and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboards import views as dashboard_views
from dashboards.home import employee_home
from orgs.models import Role
from orgs.tenancy import get_tenant
from trustos.health import broker_ok, database_ok


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reported apart; 200 only when both answer, else 503."""
    checks = {"database": database_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "error" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands: admins and leaders on the dashboard overview; everyone else on
    what their roles let them do, their open survey links and their team's results."""
    tenant = get_tenant(request)
    if (
        tenant is not None
        and request.method == "GET"
        and (tenant.is_admin or Role.LEADER in tenant.roles)
        and tenant.visible_team_ids() != frozenset()
    ):
        return dashboard_views.overview(request)
    # In words and in Role order (most rights first), e.g. "Org admin, Leader".
    role_names = [label for value, label in Role.choices if tenant and value in tenant.roles]
    mine = employee_home(tenant=tenant, user=request.user) if tenant is not None else None
    return render(request, "home.html", {"tenant": tenant, "role_names": role_names, "mine": mine})
