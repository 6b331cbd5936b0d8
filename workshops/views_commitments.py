"""Recording commitments on the workshop page: add or edit one, set its status, log it as a
decision."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import NotFound
from orgs.models import Person
from orgs.tenancy import Tenant, require_tenant
from workshops.models import Workshop
from workshops.models_commitments import Commitment
from workshops.selectors_access import WORKSHOP_ROLES, workshop_get, workshop_may_manage
from workshops.services import (
    commitment_create,
    commitment_log_decision,
    commitment_status_set,
    commitment_update,
)
from workshops.views_prepare import workshop_page_context


def _managed(request: HttpRequest, pk: int) -> tuple[Tenant, Workshop]:
    tenant = require_tenant(request, WORKSHOP_ROLES)
    workshop = workshop_get(tenant=tenant, pk=pk)
    if not workshop_may_manage(tenant=tenant, workshop=workshop):
        raise PermissionDenied("Only the workshop's facilitator or an admin records commitments.")
    return tenant, workshop


def _posted(request: HttpRequest) -> tuple[dict[str, list[str]], dt.date | None, Person | None]:
    """The form's due date and owner (errors for an unreadable date)."""
    errors: dict[str, list[str]] = {}
    due: dt.date | None = None
    try:
        due = dt.date.fromisoformat(request.POST.get("due_on", "").strip())
    except ValueError:
        errors["due_on"] = ["Give the due date as a date (YYYY-MM-DD)."]
    # Looked up across orgs on purpose: the service says why another org's person can't own it.
    try:
        owner = Person.objects.filter(pk=int(request.POST.get("owner", ""))).first()
    except ValueError:
        owner = None
    return errors, due, owner


@login_required
@require_POST
def commitment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant, workshop = _managed(request, pk)
    errors, due, owner = _posted(request)
    if not errors:
        try:
            commitment_create(
                workshop=workshop,
                actor=request.user,
                what=request.POST.get("what", ""),
                owner=owner,
                due_on=due,
                log_as_decision=bool(request.POST.get("log_as_decision")),
            )
        except ValidationError as exc:
            errors = exc.message_dict
    if not errors:
        return redirect("workshops:detail", pk=workshop.pk)
    ctx = workshop_page_context(tenant=tenant, workshop=workshop, may_manage=True)
    ctx.update(commitment_errors=errors, commitment_values=request.POST, agenda_errors={})
    return render(request, "workshops/detail.html", ctx, status=400)


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    tenant = require_tenant(request, WORKSHOP_ROLES)
    commitment = Commitment.objects.filter(pk=pk, organization=tenant.org).first()
    if commitment is None:
        raise NotFound("No such commitment.")
    _managed(request, commitment.workshop_id)
    return commitment


@login_required
@require_POST
def commitment_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    try:
        commitment_status_set(
            commitment=commitment, actor=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    return redirect("workshops:detail", pk=commitment.workshop_id)


@login_required
@require_POST
def commitment_decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    commitment_log_decision(commitment=commitment, actor=request.user)
    return redirect("workshops:detail", pk=commitment.workshop_id)


@login_required
@require_POST
def commitment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    errors, due, owner = _posted(request)
    if not errors:
        try:
            commitment_update(
                commitment=commitment,
                actor=request.user,
                what=request.POST.get("what", ""),
                owner=owner,
                due_on=due,
            )
        except ValidationError as exc:
            errors = exc.message_dict
    if not errors:
        return redirect("workshops:detail", pk=commitment.workshop_id)
    messages = [m for msgs in errors.values() for m in msgs]
    return HttpResponse(" ".join(messages), status=400, content_type="text/plain")
