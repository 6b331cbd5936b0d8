"""Participant pages (no account): enter the code, answer the open poll, wait for the next.

One device is one participant per workshop: a random participant id in a signed cookie.
Errors a participant can cause (a wrong or ended code, a closed poll, a too long answer)
are answered on these pages with a message, never with an error page or a 500.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, InvalidInput
from workshops.models import Workshop
from workshops.models_polls import Participant
from workshops.polls import AGREE_LABELS, QUADRANTS, TEXT_MAX
from workshops.selectors_live import (
    participant_result_state,
    poll_open,
    vote_of,
    workshop_by_code,
)
from workshops.services_live import participant_join, vote_submit

COOKIE_SALT = "workshops.participant"
COOKIE_AGE = 12 * 3600  # a workshop day; the participant means nothing after it ends


def _cookie_name(workshop: Workshop) -> str:
    return f"trustos_ws{workshop.pk}"


def _participant(request: HttpRequest, workshop: Workshop) -> tuple[Participant, bool]:
    """The device's participant (created on first visit) and whether the cookie must be set."""
    name = _cookie_name(workshop)
    pid = request.get_signed_cookie(name, default=None, salt=COOKIE_SALT)
    participant = participant_join(workshop=workshop, participant_id=pid)
    return participant, str(participant.pk) != pid


def _remember(request: HttpRequest, response: HttpResponse, workshop: Workshop, p: Any) -> None:
    response.set_signed_cookie(
        _cookie_name(workshop),
        str(p.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
        path=reverse("workshops_participant:join"),
    )


def _join_page(
    request: HttpRequest, *, code: str = "", error: DomainError | None = None
) -> HttpResponse:
    return render(
        request,
        "workshops/participant_join.html",
        {"code": code, "error": error.message if error else ""},
        status=error.status if error else 200,
    )


@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """The code form; with ?code=, straight to the workshop (or the form with why not)."""
    code = request.GET.get("code", "")[:40]
    if not code:
        return _join_page(request)
    try:
        workshop = workshop_by_code(code=code)
    except DomainError as exc:
        return _join_page(request, code=code, error=exc)
    return redirect("workshops_participant:live", code=workshop.join_code)


def _prefill(poll: Any, answer: Any, raw: Any) -> dict[str, Any]:
    """What the form shows as chosen: the stored answer, or what was just sent back."""
    raw = raw or {}

    def sent(name: str) -> str:
        v = raw.get(name) or [""]
        return str(v[0])

    n = len(poll.options)
    if poll.kind in ("agree", "choice"):
        value = sent("value") if raw else ("" if answer is None else str(answer))
        return {"value": value}
    if poll.kind == "text":
        return {"text": sent("text") if raw else (answer or "")}
    if poll.kind == "rank":
        places = [""] * n
        if raw:
            places = [sent(f"rank_{i}") for i in range(n)]
        elif isinstance(answer, list):
            for place, i in enumerate(answer):
                if isinstance(i, int) and 0 <= i < n:
                    places[i] = str(place + 1)
        return {"items": [(i, poll.options[i], places[i]) for i in range(n)]}
    placed = [""] * n
    if raw:
        placed = [sent(f"place_{i}") for i in range(n)]
    elif isinstance(answer, list):
        placed = [str(a) for a in answer[:n]] + [""] * (n - len(answer[:n]))
    return {"items": [(i, poll.options[i], placed[i]) for i in range(n)]}


def _live_page(
    request: HttpRequest,
    workshop: Workshop,
    participant: Participant,
    *,
    error: DomainError | None = None,
    raw: Any = None,
) -> HttpResponse:
    poll = poll_open(workshop=workshop)
    vote = vote_of(poll=poll, participant_id=participant.pk) if poll else None
    saved = request.GET.get("saved") == str(poll.pk) if poll else False
    ctx = {
        "workshop": workshop,
        "poll": poll,
        "vote": vote,
        "chosen": _prefill(poll, vote.answer if vote else None, raw) if poll else {},
        "saved": saved,
        "error": error.message if error else "",
        "raw": raw,
        "agree_labels": AGREE_LABELS,
        "quadrants": QUADRANTS,
        "text_max": TEXT_MAX,
        "places": [str(i) for i in range(1, len(poll.options) + 1)] if poll else [],
        # While no poll is open: the revealed result (or "waiting"), as the fragment shows it.
        "result": None if poll else participant_result_state(workshop=workshop),
    }
    response = render(
        request, "workshops/participant_live.html", ctx, status=error.status if error else 200
    )
    return response


@require_GET
def live(request: HttpRequest, code: str) -> HttpResponse:
    try:
        workshop = workshop_by_code(code=code)
        participant, new = _participant(request, workshop)
    except DomainError as exc:
        return _join_page(request, code=code, error=exc)
    response = _live_page(request, workshop, participant)
    if new:
        _remember(request, response, workshop, participant)
    return response


@require_POST
def vote(request: HttpRequest, code: str, poll_id: int) -> HttpResponse:
    try:
        workshop = workshop_by_code(code=code)
        participant, new = _participant(request, workshop)
    except DomainError as exc:
        return _join_page(request, code=code, error=exc)
    raw = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        vote_submit(poll_id=poll_id, participant=participant, raw=raw)
    except InvalidInput as exc:
        response = _live_page(request, workshop, participant, error=exc, raw=raw)
    except DomainError as exc:
        response = _live_page(request, workshop, participant, error=exc)
    else:
        url = reverse("workshops_participant:live", args=[workshop.join_code])
        response = redirect(f"{url}?saved={poll_id}")
    if new:
        _remember(request, response, workshop, participant)
    return response


@require_GET
def status(request: HttpRequest, code: str) -> JsonResponse:
    """What the phone polls while waiting: the open poll's id (null when none) or gone."""
    try:
        workshop = workshop_by_code(code=code)
    except DomainError as exc:
        return JsonResponse({"poll": None, "error": exc.message}, status=exc.status)
    poll = poll_open(workshop=workshop)
    return JsonResponse({"poll": poll.pk if poll else None})


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """The fragment htmx refreshes on a waiting phone (static/js/workshop-projector.js ticks
    it, as on the projector): the revealed result, or "waiting"; an ended workshop says so."""
    try:
        workshop = workshop_by_code(code=code)
    except DomainError as exc:
        return render(
            request, "workshops/participant_result.html", {"error": exc.message}, status=200
        )
    return render(
        request,
        "workshops/participant_result.html",
        participant_result_state(workshop=workshop),
    )
