"""Facilitator pages: the workshop list, "new workshop" (from a team or a dashboard hotspot)
with the proposed agenda, and the workshop page where the agenda is edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.constants import K_FLOOR
from orgs.models import Person, Team
from orgs.query import team_period_parse, team_scope
from orgs.tenancy import Tenant, require_tenant, scoped
from workshops.models import Workshop
from workshops.models_commitments import CommitmentStatus
from workshops.selectors import agenda_propose, team_figures, workshop_list
from workshops.selectors_access import (
    PREPARE_ROLES,
    WORKSHOP_ROLES,
    workshop_get,
    workshop_may_manage,
    workshop_team_choices,
)
from workshops.selectors_followthrough import (
    follow_through,
    follow_through_total,
    followthrough_release_read,
)
from workshops.selectors_report import commitment_rows
from workshops.services import workshop_create, workshop_update


def parse_local_datetime(raw: str, tenant: Tenant) -> dt.datetime | None:
    """A `datetime-local` input in the org's zone; "" is no date; junk raises ValidationError."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        naive = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"scheduled_for": "Give the date and time as shown."}) from exc
    if naive.tzinfo is not None:
        return naive
    return timezone.make_aware(naive, tenant.org.tz)


@login_required
def workshop_list_view(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, WORKSHOP_ROLES)
    team_id, _ = team_period_parse(org=tenant.org, params=request.GET)
    scope = team_scope(org=tenant.org, team_id=team_id)
    workshops = [w for w in workshop_list(tenant=tenant) if scope is None or w.team_id in scope]
    teams = {w.team_id: w.team for w in workshops}
    released = followthrough_release_read(org_id=tenant.org.pk)
    rates = [
        (team, follow_through_total(org=tenant.org, team_id=tid, cells=released))
        for tid, team in teams.items()
    ]
    return render(
        request,
        "workshops/list.html",
        {
            "workshops": workshops,
            "rates": sorted(rates, key=lambda r: r[0].name),
            "k": tenant.org.k,
            "can_prepare": tenant.has_any_role(PREPARE_ROLES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new_view(request: HttpRequest) -> HttpResponse:
    """GET ?team=<id>: the proposed agenda for that team; POST: save it as a draft."""
    tenant = require_tenant(request, PREPARE_ROLES)
    choices = workshop_team_choices(tenant=tenant)
    by_id = {t.pk: t for t in choices}
    raw = request.POST.get("team") if request.method == "POST" else request.GET.get("team")
    ctx: dict[str, Any] = {"teams": choices, "team": None, "errors": {}}
    if not raw:
        return render(request, "workshops/new.html", ctx)
    try:
        team_id = int(raw)
    except (TypeError, ValueError):
        ctx["errors"] = {"team": ["Pick a team from the list."]}
        return render(request, "workshops/new.html", ctx, status=400)
    team = by_id.get(team_id)
    if team is None:
        # Another org's team and a team that does not exist read the same: no such team.
        if not Team.objects.filter(organization=tenant.org, pk=team_id).exists():
            ctx["errors"] = {"team": ["There is no such team in your organisation."]}
            return render(request, "workshops/new.html", ctx, status=404)
        ctx["errors"] = {"team": ["You can prepare workshops only for teams you facilitate."]}
        return render(request, "workshops/new.html", ctx, status=403)
    agenda = agenda_propose(tenant=tenant, team=team)
    ctx.update(
        team=team,
        agenda=agenda,
        figures=team_figures(tenant=tenant, team=team),
        title=request.POST.get("title") or f"{team.name} workshop",
        scheduled_for=request.POST.get("scheduled_for", ""),
        anonymity_k=request.POST.get("anonymity_k", "") or K_FLOOR,
        k_floor=K_FLOOR,
    )
    if request.method == "POST":
        try:
            workshop = workshop_create(
                org=tenant.org,
                actor=request.user,
                team=team,
                title=request.POST.get("title", ""),
                agenda=agenda,
                scheduled_for=parse_local_datetime(request.POST.get("scheduled_for", ""), tenant),
                anonymity_k=request.POST.get("anonymity_k", ""),
            )
        except ValidationError as exc:
            ctx["errors"] = exc.message_dict
            return render(request, "workshops/new.html", ctx, status=400)
        return redirect("workshops:detail", pk=workshop.pk)
    return render(request, "workshops/new.html", ctx)


def _agenda_from_post(request: HttpRequest, workshop: Workshop) -> list[dict[str, Any]]:
    """The edited agenda: title/notes/order/remove per stored item (kind, figures and plays
    stay as stored, so no form field can change a figure), plus an optional new item."""
    stored = list(workshop.agenda or [])
    keep: list[tuple[float, int, dict[str, Any]]] = []
    for i, item in enumerate(stored):
        if request.POST.get(f"remove_{i}"):
            continue
        try:
            order = float(request.POST.get(f"order_{i}", i + 1))
        except ValueError:
            order = float(i + 1)
        keep.append(
            (
                order,
                i,
                {
                    **item,
                    "title": request.POST.get(f"title_{i}", item.get("title", "")),
                    "notes": request.POST.get(f"notes_{i}", item.get("notes", "")),
                },
            )
        )
    items = [item for _, _, item in sorted(keep, key=lambda t: (t[0], t[1]))]
    new_title = request.POST.get("new_title", "").strip()
    if new_title:
        items.append(
            {"kind": "note", "title": new_title, "notes": request.POST.get("new_notes", "")}
        )
    return items


@login_required
@require_http_methods(["GET", "POST"])
def workshop_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The workshop page: agenda (editable by who runs it), commitments, follow-through."""
    tenant = require_tenant(request, WORKSHOP_ROLES)
    workshop = workshop_get(tenant=tenant, pk=pk)
    may_manage = workshop_may_manage(tenant=tenant, workshop=workshop)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only the workshop's facilitator or an admin can edit it.")
        try:
            workshop_update(
                workshop=workshop,
                actor=request.user,
                title=request.POST.get("title", ""),
                agenda=_agenda_from_post(request, workshop),
                scheduled_for=parse_local_datetime(request.POST.get("scheduled_for", ""), tenant),
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return redirect("workshops:detail", pk=workshop.pk)
    return render(
        request,
        "workshops/detail.html",
        workshop_page_context(tenant=tenant, workshop=workshop, may_manage=may_manage)
        | {"agenda_errors": errors},
        status=400 if errors else 200,
    )


def workshop_page_context(
    *, tenant: Tenant, workshop: Workshop, may_manage: bool
) -> dict[str, Any]:
    local = (
        timezone.localtime(workshop.scheduled_for, tenant.org.tz).strftime("%Y-%m-%dT%H:%M")
        if workshop.scheduled_for
        else ""
    )
    return {
        "workshop": workshop,
        "may_manage": may_manage,
        "scheduled_local": local,
        "commitments": commitment_rows(workshop=workshop),
        "people": list(
            scoped(Person, tenant.org).filter(is_active=True).order_by("name").only("pk", "name")
        )
        if may_manage
        else [],
        "statuses": CommitmentStatus.choices,
        "follow_through": follow_through(org=tenant.org, team_id=workshop.team_id),
        "follow_through_total": follow_through_total(org=tenant.org, team_id=workshop.team_id),
        "k": tenant.org.k,
        "today": timezone.localdate(timezone=tenant.org.tz),
        "commitment_errors": {},
        "commitment_values": {},
    }
