"""Pages of the decision register (list, create/edit, detail, at-risk, stability)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import InvalidInput, NotFound
from decisions.forms import DecisionForm, StatusForm
from decisions.metrics import SOURCE_LABEL, decision_results
from decisions.models import DecisionSource, DecisionStatus
from decisions.permissions import (
    can_log_decisions,
    check_may_log_for,
    decisions_readable,
    may_edit,
)
from decisions.selectors import decision_history, decision_list, decisions_at_risk, stability_table
from decisions.services import (
    decision_change_status,
    decision_create,
    decision_delete,
    decision_update,
)
from orgs.models import DECISION_READ_ROLES, Role, Team
from orgs.periods import period_label
from orgs.query import team_period_parse, team_scope
from orgs.tenancy import Tenant, get_scoped_or_404, require_tenant, scoped, tenant_for_user

READ_ROLES = DECISION_READ_ROLES


def _tenant(request: HttpRequest) -> Tenant:
    """Readers: admins, leaders, facilitators, and employees allowed to log decisions."""
    tenant = require_tenant(request)
    if tenant.has_any_role(READ_ROLES) or can_log_decisions(tenant):
        return tenant
    raise PermissionDenied("Your role does not give access to the decision register.")


def _apply_errors(form: Form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


@login_required
def decision_list_view(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    q = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    team_id = _team_filter(tenant, request.GET.get("team", ""))
    qs = decision_list(tenant=tenant, q=q, team_id=team_id, status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "team_id": team_id,
            "teams": scoped(Team, tenant.org).order_by("name"),
            "statuses": DecisionStatus.choices,
            "can_log": can_log_decisions(tenant),
        },
    )


def _team_filter(tenant: Tenant, raw: str) -> int | None:
    """The `team` filter of the list: blank is every team; a malformed value is a 400 and a
    team that is unknown or another organization's a 404 (both with a message), so a wrong
    link never reads as "this team has no decisions"."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        team_id = int(raw)
    except ValueError:
        raise InvalidInput("team ids are whole numbers", {"team": "not a number"}) from None
    if team_id <= 0 or not scoped(Team, tenant.org).filter(pk=team_id).exists():
        raise NotFound(f"team {raw} not found in {tenant.org.name}")
    return team_id


# How the register names who logged a decision, by the creator's highest role in the org.
LOGGED_BY = {
    Role.ADMIN: "Logged by an org admin",
    Role.LEADER: "Logged by a leader",
    Role.FACILITATOR: "Logged by a facilitator",
    Role.EMPLOYEE: "Logged by an employee",
}


def source_text(decision: Any) -> str:
    """The decision's source in words; for a logged one, who logged it by their role (the
    stored choice label says "a leader" whoever it was)."""
    if decision.source != DecisionSource.LOGGED:
        return str(decision.get_source_display())
    creator = decision.created_by
    found = tenant_for_user(creator, org=decision.organization) if creator else None
    roles = found.roles if found is not None else frozenset()
    for role in Role:  # in Role order: most rights first
        if role in roles:
            return LOGGED_BY[role]
    return "Logged in the register"


def _form_kwargs(form: DecisionForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "title": d["title"],
        "context": d["context"],
        "decided_on": d["decided_on"],
        "owner": d["owner"],
        "affected_teams": list(d["affected_teams"]),
        "stakeholders": list(d["stakeholders"]),
        "status": d["status"],
        "superseded_by": d["superseded_by"],
        "source": d["source"],
        "note": d["note"],
    }


@login_required
def decision_create_view(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    if not can_log_decisions(tenant):
        raise PermissionDenied("Your role does not allow logging decisions.")
    form = DecisionForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        kwargs = _form_kwargs(form)
        try:
            check_may_log_for(tenant, [t.pk for t in kwargs["affected_teams"]])
            decision = decision_create(org=tenant.org, actor=request.user, **kwargs)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Decision logged. Its stakeholders will get check-ins.")
            return redirect("decisions:detail", pk=decision.pk)
    return render(request, "decisions/form.html", {"form": form, "decision": None})


def _readable_or_404(tenant: Tenant, pk: int) -> Any:
    return get_scoped_or_404(decisions_readable(tenant), tenant.org, pk=pk)


@login_required
def decision_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request)
    decision = _readable_or_404(tenant, pk)
    if not may_edit(tenant, decision):
        raise PermissionDenied("You may only edit decisions of teams you may log decisions for.")
    initial = {
        "title": decision.title,
        "context": decision.context,
        "decided_on": decision.decided_on,
        "owner": decision.owner,
        "affected_teams": list(decision.affected_teams.all()),
        "stakeholders": list(decision.stakeholders.all()),
        "status": decision.status,
        "superseded_by": decision.superseded_by,
        "source": decision.source,
    }
    form = DecisionForm(request.POST or None, tenant=tenant, instance=decision, initial=initial)
    if request.method == "POST" and form.is_valid():
        kwargs = _form_kwargs(form)
        try:
            check_may_log_for(tenant, [t.pk for t in kwargs["affected_teams"]])
            decision_update(decision=decision, actor=request.user, **kwargs)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Decision saved.")
            return redirect("decisions:detail", pk=decision.pk)
    return render(request, "decisions/form.html", {"form": form, "decision": decision})


@login_required
def decision_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request)
    decision = _readable_or_404(tenant, pk)
    results = decision_results(org=tenant.org, decision_ids=[decision.pk])[decision.pk]
    editable = may_edit(tenant, decision)
    # Answers given after the decision was superseded or reversed are kept but flagged;
    # the count is shown only where the decision's numbers are (>= k answers).
    flagged = (
        None
        if results["suppressed"]
        else decision.responses.filter(
            decision_status_at_answer__in=[DecisionStatus.SUPERSEDED, DecisionStatus.REVERSED]
        ).count()
    )
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "source_text": source_text(decision),
            "history": decision_history(decision=decision),
            "results": results,
            "k": tenant.org.k,
            "editable": editable,
            "status_form": StatusForm(tenant=tenant, instance=decision) if editable else None,
            "supersedes": list(decision.supersedes.all()),
            "invited": decision.checkin_invitations.count(),
            "flagged": flagged,
        },
    )


@login_required
@require_POST
def decision_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request)
    decision = _readable_or_404(tenant, pk)
    if not may_edit(tenant, decision):
        raise PermissionDenied("You may only change decisions of teams you may log decisions for.")
    form = StatusForm(request.POST, tenant=tenant, instance=decision)
    if form.is_valid():
        try:
            decision_change_status(
                decision=decision,
                actor=request.user,
                to_status=form.cleaned_data["status"],
                superseded_by=form.cleaned_data["superseded_by"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Status changed.")
            return redirect("decisions:detail", pk=decision.pk)
    messages.error(
        request,
        "; ".join(f"{f}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items())
        or "Invalid status.",
    )
    return redirect("decisions:detail", pk=decision.pk)


@login_required
@require_POST
def decision_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request)
    decision = _readable_or_404(tenant, pk)
    if not may_edit(tenant, decision):
        raise PermissionDenied("You may only delete decisions of teams you may log decisions for.")
    title = decision.title
    decision_delete(decision=decision, actor=request.user)
    messages.success(request, f"Deleted “{title}”.")
    return redirect("decisions:list")


@login_required
def at_risk_view(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, READ_ROLES)
    team_id, _ = team_period_parse(org=tenant.org, params=request.GET)
    scope = team_scope(org=tenant.org, team_id=team_id)
    items = decisions_at_risk(tenant=tenant)
    if scope is not None:  # the chosen team and its sub-teams only
        items = [i for i in items if i["decision"].team_id in scope]
    return render(request, "decisions/at_risk.html", {"items": items, "k": tenant.org.k})


@login_required
def stability_view(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, READ_ROLES)
    team_id, period = team_period_parse(org=tenant.org, params=request.GET)
    scope = team_scope(org=tenant.org, team_id=team_id)
    rows = [
        r
        for r in stability_table(tenant=tenant)["rows"]
        if (scope is None or r.team_id in scope) and (period is None or r.period == period)
    ]
    kind = tenant.org.reporting_period
    periods = sorted({r.period for r in rows})
    by_team: dict[str, dict[Any, Any]] = {}
    for r in rows:
        name = r.team.name if r.team else f"{tenant.org.name} (whole organization)"
        by_team.setdefault(name, {})[r.period] = r
    grid = [
        {"team": name, "cells": [cells.get(p) for p in periods]}
        for name, cells in sorted(by_team.items(), key=lambda kv: (not kv[0].endswith(")"), kv[0]))
    ]
    return render(
        request,
        "decisions/stability.html",
        {
            "grid": grid,
            "periods": [period_label(p, kind) for p in periods],
            "source_label": SOURCE_LABEL,
            "k": tenant.org.k,
        },
    )
