"""Pages of handoffs: the team × team check-in matrix and the one-screen hand-off form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import InvalidInput
from handoffs.forms import HandoffForm
from handoffs.matrix import handoff_matrix_build
from handoffs.models import HandoffSource
from handoffs.selectors import handoff_unmatched
from handoffs.services import handoff_record
from orgs.models import RESULTS_ROLES, Person
from orgs.query import team_period_parse, team_scope
from orgs.tenancy import require_tenant


@login_required
def pairs_view(request: HttpRequest) -> HttpResponse:
    """The matrix (text), the gap chart and the data table, largest gap first, for one period."""
    tenant = require_tenant(request, RESULTS_ROLES)
    team_id, period = team_period_parse(org=tenant.org, params=request.GET)
    m = handoff_matrix_build(
        tenant=tenant, period=period, teams=team_scope(org=tenant.org, team_id=team_id)
    )
    return render(
        request,
        "handoffs/pairs.html",
        {
            "m": m,
            "k": tenant.org.k,
            "plays_url": m.plays_url,
            "unmatched": handoff_unmatched(org=tenant.org) if tenant.is_admin else [],
        },
    )


@login_required
def handoff_new_view(request: HttpRequest) -> HttpResponse:
    """Record a handoff of the logged-in person's work to someone in another team."""
    tenant = require_tenant(request)
    me = Person.objects.filter(organization=tenant.org, user_id=tenant.user_id).first()
    people = Person.objects.filter(organization=tenant.org, is_active=True, team__isnull=False)
    if me is not None:
        people = people.exclude(pk=me.pk)
    form = HandoffForm(request.POST or None, people=people.order_by("name"))
    status = 200
    if me is None:
        messages.info(request, "Your login is not linked to a person of the organization yet.")
    elif request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            _event, created = handoff_record(
                org=tenant.org,
                source=HandoffSource.FORM,
                actor=request.user,
                item=data["item"],
                at=data["at"],
                link=data["link"] or "",
                from_person=me,
                to_person=data["to_person"],
            )
        except InvalidInput as err:
            for field, msg in err.errors.items():
                form.add_error(field if field in form.fields else None, msg)
            status = 400
        else:
            messages.success(
                request,
                "Handoff recorded. Both of you may get a two-question check-in in a few days."
                if created
                else "This handoff was already recorded.",
            )
            return redirect("handoffs:new")
    elif request.method == "POST":
        status = 400
    return render(request, "handoffs/new.html", {"form": form, "me": me}, status=status)
