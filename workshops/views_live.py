"""The facilitator's live pages: run (polls and their states), projector, join QR code.

Every view loads and authorises in one call (selectors_live.workshop_for_runner): org
admins, the workshop's facilitator and facilitators of its team; anyone else gets a 404.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, NotFound
from orgs.tenancy import get_scoped_or_404
from workshops.models import Workshop
from workshops.models_polls import Poll
from workshops.selectors_live import polls_with_counts, projector_state, workshop_for_runner
from workshops.services_live import (
    poll_create,
    poll_set_state,
    poll_update,
    workshop_end,
    workshop_go_live,
)


def _join_url(request: HttpRequest, workshop: Workshop) -> str:
    return request.build_absolute_uri(
        reverse("workshops_participant:live", args=[workshop.join_code])
    )


@login_required
@require_GET
def run(request: HttpRequest, workshop_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    live = workshop.state == Workshop.State.LIVE
    edit_id = request.GET.get("edit", "")
    return render(
        request,
        "workshops/live_run.html",
        {
            "workshop": workshop,
            "polls": polls_with_counts(workshop=workshop),
            "kinds": Poll.Kind.choices,
            "live": live,
            "join_url": _join_url(request, workshop) if live else "",
            "edit_id": int(edit_id) if edit_id.isdigit() else None,
        },
    )


def _back(workshop: Workshop) -> HttpResponse:
    return redirect("workshops:run", workshop_id=workshop.pk)


@login_required
@require_POST
def go_live(request: HttpRequest, workshop_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    try:
        workshop = workshop_go_live(workshop=workshop, actor=request.user)
        messages.success(request, f"The workshop is live. Join code: {workshop.join_code}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(workshop)


@login_required
@require_POST
def end(request: HttpRequest, workshop_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    try:
        workshop_end(workshop=workshop, actor=request.user)
        messages.success(request, "The workshop has ended; its join code no longer works.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(workshop)


def _options(request: HttpRequest) -> list[str]:
    return request.POST.get("options", "")[:5000].splitlines()


@login_required
@require_POST
def poll_add(request: HttpRequest, workshop_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    try:
        poll_create(
            workshop=workshop,
            kind=request.POST.get("kind", ""),
            question=request.POST.get("question", "")[:2000],
            options=_options(request),
            actor=request.user,
        )
        messages.success(request, "Poll added.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(workshop)


def _poll(workshop: Workshop, poll_id: int) -> Poll:
    poll = get_scoped_or_404(
        Poll.objects.select_related("workshop"), workshop.organization, pk=poll_id
    )
    if poll.workshop_id != workshop.pk:
        raise NotFound("Not found")
    return poll


@login_required
@require_POST
def poll_edit(request: HttpRequest, workshop_id: int, poll_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    poll = _poll(workshop, poll_id)
    try:
        poll_update(
            poll=poll,
            kind=request.POST.get("kind", ""),
            question=request.POST.get("question", "")[:2000],
            options=_options(request),
            actor=request.user,
        )
        messages.success(request, "Poll saved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(workshop)


@login_required
@require_POST
def poll_action(request: HttpRequest, workshop_id: int, poll_id: int, action: str) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    poll = _poll(workshop, poll_id)
    try:
        poll_set_state(poll=poll, action=action, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(workshop)


@login_required
@require_GET
def projector(request: HttpRequest, workshop_id: int) -> HttpResponse:
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    ctx = projector_state(workshop=workshop)
    ctx["join_url"] = _join_url(request, workshop) if workshop.state == Workshop.State.LIVE else ""
    return render(request, "workshops/projector.html", ctx)


@login_required
@require_GET
def projector_live(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The fragment the projector page swaps in every few seconds (htmx)."""
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    response = render(request, "workshops/projector_live.html", projector_state(workshop=workshop))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def join_qr(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The join link as a QR code, an SVG of paths only (no script, no style: CSP-safe)."""
    _, workshop = workshop_for_runner(request=request, workshop_id=workshop_id)
    if workshop.state != Workshop.State.LIVE:
        raise NotFound("The workshop is not live.")
    buf = io.BytesIO()
    segno.make(_join_url(request, workshop), error="m").save(
        buf, kind="svg", scale=10, border=2, light="#fff", xmldecl=False, title="Join code QR"
    )
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response
