"""Execution pages for leaders and admins: metrics per team, friction, handoffs, drivers;
and the admins' targets and floors page. Text and accessible tables; charts get a slot."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from core.errors import DomainError
from execution.forms import MetricTargetForm
from execution.selectors import metric_definitions, team_metrics_table, visible_teams
from execution.selectors_flow import drivers_tables, friction_table, handoff_tables
from execution.services import metric_definition_update
from orgs.models import RESULTS_ROLES, SETUP_ROLES
from orgs.periods import period_label
from orgs.tenancy import TenantRequiredMixin


class ReaderView(TenantRequiredMixin, View):
    allowed_roles = RESULTS_ROLES


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class ExecutionPageView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        teams = visible_teams(tenant=self.tenant)
        team_id = _int(request.GET.get("team")) or (teams[0][0] if teams else None)
        if team_id is not None and team_id not in dict(teams):
            raise Http404("unknown team")
        periods, rows = (
            team_metrics_table(tenant=self.tenant, team_id=team_id) if team_id else ([], [])
        )
        kind = self.tenant.org.reporting_period
        return render(
            request,
            "execution/page.html",
            {
                "teams": teams,
                "team_id": team_id,
                "team_name": dict(teams).get(team_id, "") if team_id else "",
                "periods": [period_label(p, kind) for p in periods],
                "rows": rows,
            },
        )


class FrictionView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("period", "")
        try:
            wanted = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            wanted = None
        table = friction_table(tenant=self.tenant, period=wanted)
        kind = self.tenant.org.reporting_period
        return render(
            request,
            "execution/friction.html",
            {
                "table": table,
                "periods": [(p.isoformat(), period_label(p, kind)) for p in table.periods],
                "period": table.period.isoformat() if table.period else "",
                "period_label": period_label(table.period, kind) if table.period else "",
                "k": self.tenant.org.k,
            },
        )


class HandoffsView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        days = _int(request.GET.get("days")) or 5
        days = max(1, min(days, 365))
        return render(
            request,
            "execution/handoffs.html",
            {"h": handoff_tables(tenant=self.tenant, min_days=days), "days": days},
        )


class DriversView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "execution/drivers.html", {"d": drivers_tables(tenant=self.tenant)})


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
