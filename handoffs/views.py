"""Pages of handoffs: the team × team check-in matrix and the one-screen hand-off form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import InvalidInput
from handoffs.forms import HandoffForm
from handoffs.models import HandoffSource
from handoffs.selectors import handoff_pairs_for_viewer, handoff_unmatched, plays_url
from handoffs.services import handoff_record
from orgs.models import RESULTS_ROLES, Person
from orgs.tenancy import require_tenant


def _period(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def pairs_view(request: HttpRequest) -> HttpResponse:
    """The matrix (text) and the data table, largest gap first, for one reporting period."""
    tenant = require_tenant(request, RESULTS_ROLES)
    pairs = handoff_pairs_for_viewer(tenant=tenant)
    periods = sorted({p["period"] for p in pairs}, reverse=True)
    chosen = _period(request.GET.get("period"))
    if chosen not in periods:
        chosen = periods[0] if periods else None
    rows = [p for p in pairs if p["period"] == chosen]
    senders = sorted({(p["from_name"], p["from_team"]) for p in rows})
    receivers = sorted({(p["to_name"], p["to_team"]) for p in rows})
    by_pair = {(p["from_team"], p["to_team"]): p for p in rows}
    matrix = [
        {"name": name, "cells": [by_pair.get((tid, to)) for _n, to in receivers]}
        for name, tid in senders
    ]
    label = {p["period"]: p["period_label"] for p in pairs}
    return render(
        request,
        "handoffs/pairs.html",
        {
            "rows": rows,
            "matrix": matrix,
            "receivers": [n for n, _t in receivers],
            "periods": [(p, label[p]) for p in periods],
            "chosen": chosen,
            "k": tenant.org.k,
            "plays_url": plays_url(),
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
