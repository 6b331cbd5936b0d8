"""Pulse pages for leaders and admins: schedules, rounds, participation, and the rubric."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orgs.models import PULSE_ROLES, RUBRIC_ROLES, Role
from orgs.tenancy import get_scoped_or_404, require_tenant
from surveys.forms import WEEKDAY_CHOICES, RoundSendForm, ScheduleForm
from surveys.models import PulseSchedule, RoundStatus, RubricVersion
from surveys.selectors import (
    invitation_stats,
    participation_for_round,
    participation_for_rounds,
    round_can_close,
    round_can_remind,
    round_dispatch_queued,
    rounds_visible,
    rubric_active,
    rubric_dimensions,
    rubric_versions,
    schedule_can_manage,
    schedules_visible,
    teams_below_k,
)
from surveys.services.errors import SurveyError
from surveys.services.reminders import reminders_request
from surveys.services.rounds import round_close, round_create
from surveys.services.rubrics import rubric_activate, rubric_copy, rubric_is_editable, rubric_update
from surveys.services.schedules import schedule_create, schedule_delete, schedule_update


def _form_errors(form: Any, exc: SurveyError) -> None:
    for field, msg in exc.errors.items():
        form.add_error(field if field in form.fields else None, msg)
    if not exc.errors:
        form.add_error(None, exc.message)


def _when(s: PulseSchedule) -> str:
    day = dict(WEEKDAY_CHOICES)[s.send_weekday]
    first = "first " if s.cadence == "monthly" else ""
    return f"{first}{day} {s.send_hour:02d}:00 ({s.organization.tz})"


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, PULSE_ROLES)
    rounds = list(rounds_visible(tenant=tenant).prefetch_related("teams")[:50])
    part = participation_for_rounds(rounds=rounds, tenant=tenant)
    schedules = list(schedules_visible(tenant=tenant))
    return render(
        request,
        "surveys/round_list.html",
        {
            "rounds": [(r, part[r.pk]) for r in rounds],
            "schedules": [
                (s, schedule_can_manage(tenant=tenant, schedule=s), _when(s)) for s in schedules
            ],
        },
    )


@login_required
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tenant = require_tenant(request, PULSE_ROLES)
    schedule = get_scoped_or_404(PulseSchedule, tenant.org, pk=pk) if pk else None
    if schedule is not None and not schedule_can_manage(tenant=tenant, schedule=schedule):
        raise PermissionDenied("You can only change pulses for teams you lead.")
    initial = {}
    if schedule is not None:
        initial = {f: getattr(schedule, f) for f in ScheduleForm.base_fields if f != "teams"}
        initial["teams"] = list(schedule.teams.all())
    form = ScheduleForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        teams = list(data.pop("teams"))
        try:
            if schedule is None:
                schedule = schedule_create(
                    organization=tenant.org, actor=request.user, teams=teams, **data
                )
                messages.success(request, f"Pulse schedule “{schedule.name}” created.")
            else:
                schedule_update(schedule=schedule, actor=request.user, teams=teams, **data)
                messages.success(request, f"Pulse schedule “{schedule.name}” saved.")
            return redirect("surveys:round_list")
        except SurveyError as exc:
            _form_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "surveys/schedule_form.html", {"form": form, "schedule": schedule}, status=status
    )


@login_required
@require_POST
def schedule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = require_tenant(request, PULSE_ROLES)
    schedule = get_scoped_or_404(PulseSchedule, tenant.org, pk=pk)
    if not schedule_can_manage(tenant=tenant, schedule=schedule):
        raise PermissionDenied("You can only change pulses for teams you lead.")
    schedule_delete(schedule=schedule, actor=request.user)
    messages.success(request, "Schedule deleted; its past rounds are kept.")
    return redirect("surveys:round_list")


@login_required
def round_send(request: HttpRequest) -> HttpResponse:
    """Send a one-off round now."""
    tenant = require_tenant(request, PULSE_ROLES)
    form = RoundSendForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = round_create(
                organization=tenant.org,
                teams=list(form.cleaned_data["teams"]),
                title=form.cleaned_data["title"],
                questions=form.cleaned_data["questions"],
                open_days=form.cleaned_data["open_days"],
                actor=request.user,
            )
            if round_dispatch_queued(round=rnd):
                # Saved, but the task queue is unreachable: the outbox sends them later.
                messages.warning(
                    request,
                    f"“{rnd.title}” is open. Sending is queued: the task queue is unreachable "
                    "right now, and the invitations go out automatically once it is back. "
                    "Do not create the round again.",
                )
            else:
                messages.success(request, f"“{rnd.title}” is open; invitations are being sent.")
            return redirect("surveys:round_detail", pk=rnd.pk)
        except SurveyError as exc:
            _form_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "small_teams": teams_below_k(tenant=tenant), "k": tenant.org.k}
    return render(request, "surveys/round_send.html", ctx, status=status)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = require_tenant(request, PULSE_ROLES)
    rnd = get_scoped_or_404(rounds_visible(tenant=tenant), tenant.org, pk=pk)
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": rnd,
            "participation": participation_for_round(round=rnd, tenant=tenant),
            "stats": invitation_stats(round=rnd) if tenant.is_admin else None,
            "items": rnd.round_items.select_related("item", "item__dimension"),
            "can_close": round_can_close(tenant=tenant, round=rnd),
            "can_remind": rnd.status == RoundStatus.OPEN
            and round_can_remind(tenant=tenant, round=rnd),
            "dispatch_queued": round_dispatch_queued(round=rnd),
        },
    )


@login_required
@require_POST
def round_remind_now(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Send reminders now": admins and leaders of the round's teams; audited; the same cap
    (2 reminders) and gap (2 days) per person as the automatic reminders."""
    tenant = require_tenant(request, PULSE_ROLES)
    rnd = get_scoped_or_404(rounds_visible(tenant=tenant), tenant.org, pk=pk)
    if not round_can_remind(tenant=tenant, round=rnd):
        raise PermissionDenied("Only an admin or a leader of the round's teams can remind.")
    if rnd.status != RoundStatus.OPEN:
        messages.error(request, "Only an open round can send reminders.")
        return redirect("surveys:round_detail", pk=rnd.pk)
    reminders_request(round_id=rnd.pk, actor=request.user)
    messages.success(
        request,
        "Reminders are being sent to everyone who has not answered yet (at most two per "
        "person, two days apart).",
    )
    return redirect("surveys:round_detail", pk=rnd.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_close_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing can't be undone, so it is a confirmation step first: GET (or a POST without
    `confirm`) shows what closing does; only the confirmation form's POST closes."""
    tenant = require_tenant(request, PULSE_ROLES)
    rnd = get_scoped_or_404(rounds_visible(tenant=tenant), tenant.org, pk=pk)
    if not round_can_close(tenant=tenant, round=rnd):
        raise PermissionDenied("Only an admin or the leader who runs this pulse can close it.")
    if rnd.status == RoundStatus.CLOSED:
        return redirect("surveys:round_detail", pk=rnd.pk)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "surveys/round_close_confirm.html", {"round": rnd})
    if round_close(round_id=rnd.pk, actor=request.user):
        messages.success(request, "Round closed; results are being computed.")
    return redirect("surveys:round_detail", pk=rnd.pk)


@login_required
def rubric(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, RUBRIC_ROLES)
    active = rubric_active(organization=tenant.org)
    return render(
        request,
        "surveys/rubric.html",
        {
            "rubric": active,
            "dimensions": rubric_dimensions(rubric=active),
            "versions": rubric_versions(organization=tenant.org) if tenant.is_admin else [],
            "editable": tenant.is_admin and rubric_is_editable(rubric=active),
        },
    )


@login_required
@require_POST
def rubric_copy_view(request: HttpRequest) -> HttpResponse:
    tenant = require_tenant(request, (Role.ADMIN,))
    # Always from the version in use, so the copy starts from what people are asked today.
    source = rubric_active(organization=tenant.org)
    copy = rubric_copy(organization=tenant.org, source=source, actor=request.user)
    messages.success(request, f"Copied into version {copy.version}: edit it, then activate it.")
    return redirect("surveys:rubric_edit", pk=copy.pk)


def _parse_rubric_post(post: Any, dims: list[Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for d in dims:
        items = {
            it.pk: {
                "text": post.get(f"item-{it.pk}-text", it.text),
                "reverse_keyed": post.get(f"item-{it.pk}-reverse") == "on",
                "delete": post.get(f"item-{it.pk}-delete") == "on",
            }
            for it in d.items.all()
        }
        new_items = [
            {
                "text": post.get(f"dim-{d.pk}-new-{n}-text", ""),
                "reverse_keyed": post.get(f"dim-{d.pk}-new-{n}-reverse") == "on",
            }
            for n in range(2)
        ]
        out[d.pk] = {
            "weight": post.get(f"dim-{d.pk}-weight", d.weight),
            "definition": post.get(f"dim-{d.pk}-definition", d.definition),
            "items": items,
            "new_items": new_items,
        }
    return out


@login_required
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = require_tenant(request, (Role.ADMIN,))
    version = get_scoped_or_404(RubricVersion, tenant.org, pk=pk)
    dims = rubric_dimensions(rubric=version)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            rubric_update(
                rubric=version,
                actor=request.user,
                dimensions=_parse_rubric_post(request.POST, dims),
            )
            messages.success(request, "Rubric saved.")
            return redirect("surveys:rubric_edit", pk=version.pk)
        except SurveyError as exc:
            errors = exc.errors or {"__all__": exc.message}
            status = 400
            dims = rubric_dimensions(rubric=version)
    return render(
        request,
        "surveys/rubric_edit.html",
        {
            "rubric": version,
            "dimensions": dims,
            "errors": errors,
            "editable": rubric_is_editable(rubric=version),
            "new_slots": range(2),
        },
        status=status,
    )


@login_required
@require_POST
def rubric_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = require_tenant(request, (Role.ADMIN,))
    version = get_scoped_or_404(RubricVersion, tenant.org, pk=pk)
    rubric_activate(organization=tenant.org, rubric=version, actor=request.user)
    messages.success(request, f"Version {version.version} is now used for new rounds.")
    return redirect("surveys:rubric")
