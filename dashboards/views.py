"""Dashboard pages: overview, heatmap, trends and comments; thin views over dashboards.selectors."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from dashboards.attributes import attribute_choices, attribute_parse, filtered_cell
from dashboards.cache import CACHE_SECONDS as OVERVIEW_CACHE_SECONDS
from dashboards.cache import (
    PARTICIPATION_SECONDS,
    heatmap_key,
    overview_figures,
    participation_cached,
    reads_cache,
)
from dashboards.charts import trend_charts
from dashboards.charts_friction import exec_charts, quadrant_chart
from dashboards.comments import comments_for
from dashboards.filters import (
    ATTRIBUTES_UNAVAILABLE,
    DashboardQuery,
    attribute_filters_available,
    dashboard_query,
    dashboard_tenant,
)
from dashboards.friction import (
    execution_trend_frame,
    friction_build,
    may_prepare_workshops,
    release_period_labels,
)
from dashboards.handoff_matrix import handoff_matrix_for_dashboard
from dashboards.heatmap_html import heatmap_rows_html, team_options_html
from dashboards.overview_extras import overview_commitments, overview_waiting
from dashboards.page_cache import page_cached
from dashboards.selectors import trends_frame
from dashboards.selectors_heatmap import heatmap_build
from execution.selectors_flow import drivers_tables
from orgs.models import Role
from orgs.periods import period_label
from orgs.tenancy import Tenant

# Bootstrap resamples of the relative weights' intervals on the page (execution's own page uses
# 1,000; 400 keeps the percentile interval stable to about a point and the page responsive).
DRIVER_RESAMPLES = 400
# Whole pages are kept until the org's reads version moves (dashboards.page_cache); these
# bound how long. The overview shows participation of open rounds, which moves with every
# answer and is allowed to be up to PARTICIPATION_SECONDS old (dashboards.cache).
PAGE_SECONDS = 6 * 3600


def _context(tenant: Tenant, q: DashboardQuery, periods: list, active: str) -> dict:
    kind = tenant.org.reporting_period
    return {
        "q": q,
        "active": active,
        "k": tenant.org.k,
        "teams": q.teams,
        "team_options": team_options_html(q.teams, q.team_id),
        "period_options": [(period_label(p, kind), p) for p in reversed(periods)],
        "period_value": period_label(q.period, kind) if q.period else "",
        "attributes_available": active == "overview" and attribute_filters_available(),
        "attributes_message": ATTRIBUTES_UNAVAILABLE,
        "has_execution": False,  # execution metrics not on this installation yet
        # In words and in Role order (most rights first), as the plain home page says it.
        "role_names": [label for value, label in Role.choices if value in tenant.roles],
    }


@login_required
@require_GET
@page_cached("overview", seconds=PARTICIPATION_SECONDS, bypass=frozenset({"attribute", "value"}))
def overview(request: HttpRequest) -> HttpResponse:
    """The leader's landing page: trust index and trend, weakest dimensions, risks, changes."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET, attributes=True)
    wanted = attribute_parse(tenant=tenant, params=request.GET)
    ov, fv = overview_figures(tenant=tenant, team_id=q.team_id, period=q.period)
    ov.participation = participation_cached(tenant=tenant, team_id=q.team_id, period=ov.period)
    filtered = None
    if wanted is not None:
        filtered = filtered_cell(
            tenant=tenant,
            team_id=q.team_id,
            period=ov.period,
            attribute=wanted[0],
            value=wanted[1],
        )
    ctx = _context(tenant, q, ov.periods, "overview")
    ctx.update(ov=ov, fv=fv, has_execution=fv.has_execution, filtered=filtered)
    ctx["attribute_options"] = attribute_choices(tenant=tenant)
    # Not release figures: work items waiting and workshop commitments, read per request.
    ctx["waiting"] = overview_waiting(tenant=tenant, team_id=q.team_id)
    ctx["commitments"] = overview_commitments(tenant=tenant, team_id=q.team_id)
    return render(request, "dashboards/overview.html", ctx)


@login_required
@require_GET
@page_cached("heatmap", seconds=PAGE_SECONDS)
def heatmap(request: HttpRequest) -> HttpResponse:
    """Team tree × trust index and dimensions: number and n in every cell, hidden cells say why."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    sort = request.GET.get("sort", "")
    descending = request.GET.get("dir", "") == "desc"
    # Kept per release (dashboards.cache): the figures and the rendered rows of 500 teams.
    key = heatmap_key(
        tenant=tenant, team_id=q.team_id, period=q.period, sort=sort, descending=descending
    )
    cache = reads_cache()
    cached = cache.get(key)
    if cached is None:
        hm = heatmap_build(
            tenant=tenant, team_id=q.team_id, period=q.period, sort=sort, descending=descending
        )
        period_value = period_label(q.period, tenant.org.reporting_period) if q.period else ""
        rows_html = heatmap_rows_html(hm, period_value=period_value, with_period=bool(q.period))
        cached = (replace(hm, rows=[]), str(rows_html))
        cache.set(key, cached, OVERVIEW_CACHE_SECONDS)
    hm, rows_html = cached
    ctx = _context(tenant, q, hm.periods, "heatmap")
    ctx["hm"] = hm
    ctx["rows_html"] = mark_safe(rows_html)  # escaped by heatmap_rows_html
    ctx["qs_base"] = q.querystring(sort=None, dir=None)
    return render(request, "dashboards/heatmap.html", ctx)


@login_required
@require_GET
@page_cached("trends", seconds=PAGE_SECONDS)
def trends(request: HttpRequest) -> HttpResponse:
    """Trust index and each dimension over periods, with interval bands, as server-side SVG."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    frame = trends_frame(tenant=tenant, team_id=q.team_id, until=q.period)
    xframe = execution_trend_frame(tenant=tenant, team_id=q.team_id, until=q.period)
    kind = tenant.org.reporting_period
    periods = sorted(set(frame["period"].tolist()) | set(xframe["period"].tolist()))
    domain = [period_label(p, kind) for p in periods]
    markers = [m for m in release_period_labels(tenant=tenant) if m in domain]
    org_id = tenant.org.pk
    charts = trend_charts(
        org_id=org_id, team_id=q.team_id, frame=frame, domain=domain, markers=markers
    )
    xcharts = exec_charts(
        org_id=org_id, team_id=q.team_id, frame=xframe, domain=domain, markers=markers
    )
    ctx = _context(tenant, q, periods, "trends")
    ctx.update(charts=charts, xcharts=xcharts, markers=markers, has_execution=bool(xcharts))
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


@login_required
@require_GET
@page_cached("friction", seconds=PAGE_SECONDS)
def friction(request: HttpRequest) -> HttpResponse:
    """Friction index and trend, the quadrant (trust × execution health, linked points), hotspots."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    fv = friction_build(tenant=tenant, team_id=q.team_id, period=q.period)
    chart = quadrant_chart(
        org_id=tenant.org.pk, team_id=q.team_id, points=fv.points, period=fv.period_label
    )
    ctx = _context(tenant, q, fv.periods, "friction")
    ctx.update(fv=fv, chart=chart, has_execution=fv.has_execution)
    ctx["may_workshop"] = may_prepare_workshops(tenant)
    return render(request, "dashboards/friction.html", ctx)


@login_required
@require_GET
@page_cached("drivers", seconds=PAGE_SECONDS)
def drivers(request: HttpRequest) -> HttpResponse:
    """Which trust dimension goes with delivery, in plain sentences with n, ρ, p (BH-adjusted).

    Computed over every team the reader may see (a correlation needs many team-periods), not
    the team picked in the filter; the filter only keeps the other pages' query.
    """
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    d = drivers_tables(tenant=tenant, n_boot=DRIVER_RESAMPLES)
    ctx = _context(tenant, q, [], "drivers")
    ctx.update(d=d, resamples=DRIVER_RESAMPLES)
    return render(request, "dashboards/drivers.html", ctx)


@login_required
@require_GET
@page_cached("handoffs", seconds=PAGE_SECONDS)
def handoffs(request: HttpRequest) -> HttpResponse:
    """Team × team handoff matrix: summary, table and gap chart, largest gap first (released)."""
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    m = handoff_matrix_for_dashboard(tenant=tenant, q=q)
    ctx = _context(tenant, q, [p for p, _l in reversed(m.periods)], "handoffs")
    ctx["m"] = m
    return render(request, "dashboards/handoffs.html", ctx)
