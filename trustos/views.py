"""Project-level views: the landing page after login and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orgs.models import Role
from orgs.tenancy import get_tenant


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (for load balancers and `make run`)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands: what their roles let them do in their organization."""
    tenant = get_tenant(request)
    # In words and in Role order (most rights first), e.g. "Org admin, Leader".
    role_names = [label for value, label in Role.choices if tenant and value in tenant.roles]
    return render(request, "home.html", {"tenant": tenant, "role_names": role_names})
