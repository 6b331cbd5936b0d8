"""Execution pages for leaders and admins: metrics per team, friction, handoffs, drivers;
and the admins' targets and floors page. Each chart is server-side SVG (execution/charts.py) with a text summary beside it and the
page's table as its data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from core.errors import DomainError, NotFound
from execution.charts import drivers_chart, friction_chart, handoffs_chart, metrics_chart
from execution.forms import MetricTargetForm
from execution.selectors import metric_definitions, team_metrics_table, visible_teams
from execution.selectors_flow import drivers_tables, friction_table, handoff_tables
from execution.services import metric_definition_update
from orgs.models import RESULTS_ROLES, SETUP_ROLES
from orgs.periods import period_label
from orgs.query import team_period_parse, team_scope
from orgs.tenancy import Tenant, TenantRequiredMixin


class ReaderView(TenantRequiredMixin, View):
    allowed_roles = RESULTS_ROLES


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def default_team(tenant: Tenant, teams: list[tuple[int, str]]) -> int | None:
    """The team the page opens on: the reader's own, not the alphabetically first — the
    highest team they lead (else facilitate; a department before its teams, then by name),
    else their own team, else (an admin) the highest team of the org."""
    shown = dict(teams)
    if not shown:
        return None
    tree = tenant.org.team_tree()

    def top(ids: Iterable[int]) -> int | None:
        mine = [t for t in ids if t in shown]
        return min(mine, key=lambda t: (tree.depth(t), shown[t].casefold())) if mine else None

    for mine in (tenant.led_team_ids, tenant.facilitated_team_ids):
        found = top(mine)
        if found is not None:
            return found
    if tenant.own_team_id in shown:
        return tenant.own_team_id
    return top(shown)


def _team_param(request: HttpRequest, tenant: Tenant, teams: list[tuple[int, str]]) -> int | None:
    """The `team` query value (orgs.query): 400 when malformed, 404 when not the reader's."""
    team_id, _ = team_period_parse(org=tenant.org, params=request.GET, team_ids=set(dict(teams)))
    return team_id


class ExecutionPageView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        teams = visible_teams(tenant=self.tenant)
        team_id = _team_param(request, self.tenant, teams) or default_team(self.tenant, teams)
        periods, rows = (
            team_metrics_table(tenant=self.tenant, team_id=team_id) if team_id else ([], [])
        )
        kind = self.tenant.org.reporting_period
        labels = [period_label(p, kind) for p in periods]
        team_name = dict(teams).get(team_id, "") if team_id else ""
        chart = (
            metrics_chart(
                org_id=self.tenant.org.pk,
                team_id=team_id,
                team=team_name,
                periods=labels,
                rows=rows,
            )
            if team_id and periods
            else None
        )
        return render(
            request,
            "execution/page.html",
            {
                "teams": teams,
                "team_id": team_id,
                "team_name": team_name,
                "periods": labels,
                "rows": rows,
                "chart": chart,
            },
        )


class FrictionView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        kind = self.tenant.org.reporting_period
        # A malformed period is a 400 saying how to write one (not the latest period silently);
        # a well-formed one with no figures is a 404 naming the periods that have some.
        team_id, wanted = team_period_parse(org=self.tenant.org, params=request.GET)
        table = friction_table(tenant=self.tenant, period=wanted)
        scope = team_scope(org=self.tenant.org, team_id=team_id)
        if scope is not None:  # the chosen team and its sub-teams only
            table = replace(table, rows=[r for r in table.rows if r.team_id in scope])
        if wanted is not None and table.periods and wanted not in table.periods:
            have = ", ".join(period_label(p, kind) for p in table.periods[-6:])
            raise NotFound(f"no friction figures for {period_label(wanted, kind)} (try {have})")
        label = period_label(table.period, kind) if table.period else ""
        chart = friction_chart(org_id=self.tenant.org.pk, rows=table.rows, period=label)
        return render(
            request,
            "execution/friction.html",
            {
                "chart": chart,
                "table": table,
                "periods": [(p.isoformat(), period_label(p, kind)) for p in table.periods],
                "period": table.period.isoformat() if table.period else "",
                "period_label": period_label(table.period, kind) if table.period else "",
                "k": self.tenant.org.k,
            },
        )


class HandoffsView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        team_period_parse(org=self.tenant.org, params=request.GET)  # 400/404, not ignored
        days = _int(request.GET.get("days")) or 5
        days = max(1, min(days, 365))
        h = handoff_tables(tenant=self.tenant, min_days=days)
        chart = handoffs_chart(org_id=self.tenant.org.pk, matrix=h.matrix)
        return render(request, "execution/handoffs.html", {"h": h, "days": days, "chart": chart})


class DriversView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        team_period_parse(org=self.tenant.org, params=request.GET)  # 400/404, not ignored
        d = drivers_tables(tenant=self.tenant)
        chart = drivers_chart(org_id=self.tenant.org.pk, correlations=d.correlations)
        return render(request, "execution/drivers.html", {"d": d, "chart": chart})


class MetricsView(TenantRequiredMixin, View):
    """Admins edit each metric's target and floor (execution health scales between them)."""

    allowed_roles = SETUP_ROLES

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MetricTargetForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter a number for the target and the floor.")
            return self.show(request, status=400)
        try:
            metric_definition_update(
                organization=self.tenant.org, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.show(request, status=400)
        messages.success(request, "Saved.")
        return redirect("execution:metrics")

    def show(self, request: HttpRequest, status: int = 200) -> HttpResponse:
        return render(
            request,
            "execution/metrics.html",
            {"definitions": metric_definitions(organization=self.tenant.org)},
            status=status,
        )
