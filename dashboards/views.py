"""Dashboard pages: overview, heatmap, trends and comments; thin views over dashboards.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards.charts import trend_charts
from dashboards.comments import comments_for
from dashboards.filters import (
    ATTRIBUTES_UNAVAILABLE,
    DashboardQuery,
    attribute_filters_available,
    dashboard_query,
    dashboard_tenant,
)
from dashboards.selectors import heatmap_build, overview_build, trends_frame
from orgs.models import Role
from orgs.periods import period_label
from orgs.tenancy import Tenant


def _context(tenant: Tenant, q: DashboardQuery, periods: list, active: str) -> dict:
    kind = tenant.org.reporting_period
    return {
        "q": q,
        "active": active,
        "k": tenant.org.k,
        "teams": q.teams,
        "period_options": [(period_label(p, kind), p) for p in reversed(periods)],
        "period_value": period_label(q.period, kind) if q.period else "",
        "attributes_available": attribute_filters_available(),
        "attributes_message": ATTRIBUTES_UNAVAILABLE,
        "has_execution": False,  # execution metrics not on this installation yet
        # In words and in Role order (most rights first), as the plain home page says it.
        "role_names": [label for value, label in Role.choices if value in tenant.roles],
    }


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The leader's landing page: trust index and trend, weakest dimensions, risks, changes."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    ov = overview_build(tenant=tenant, team_id=q.team_id, period=q.period)
    ctx = _context(tenant, q, ov.periods, "overview")
    ctx["ov"] = ov
    return render(request, "dashboards/overview.html", ctx)


@login_required
@require_GET
def heatmap(request: HttpRequest) -> HttpResponse:
    """Team tree × trust index and dimensions: number and n in every cell, hidden cells say why."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    hm = heatmap_build(
        tenant=tenant,
        team_id=q.team_id,
        period=q.period,
        sort=request.GET.get("sort", ""),
        descending=request.GET.get("dir", "") == "desc",
    )
    ctx = _context(tenant, q, hm.periods, "heatmap")
    ctx["hm"] = hm
    ctx["qs_base"] = q.querystring(sort=None, dir=None)
    return render(request, "dashboards/heatmap.html", ctx)


@login_required
@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    """Trust index and each dimension over periods, with interval bands, as server-side SVG."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    frame = trends_frame(tenant=tenant, team_id=q.team_id, until=q.period)
    charts = trend_charts(org_id=tenant.org.pk, team_id=q.team_id, frame=frame)
    periods = sorted(set(frame["period"].tolist()))
    ctx = _context(tenant, q, periods, "trends")
    ctx["charts"] = charts
    return render(request, "dashboards/trends.html", ctx)


@login_required
@require_GET
def comments(request: HttpRequest) -> HttpResponse:
    """Anonymous comments of groups that pass the comment threshold, shuffled, by period."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    found = comments_for(
        tenant=tenant,
        team_id=q.team_id,
        period=q.period,
        dimension=request.GET.get("dimension", ""),
    )
    ctx = _context(tenant, q, found.periods, "comments")
    ctx["c"] = found
    return render(request, "dashboards/comments.html", ctx)
