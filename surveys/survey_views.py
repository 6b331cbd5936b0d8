"""The employee survey page behind a link token: no login, one screen, works without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from surveys.services.errors import RoundClosed, RoundNotOpen, SurveyError, TokenUnknown, TokenUsed
from surveys.services.responses import (
    COMMENT_MAX,
    invitation_for_token,
    response_submit,
    round_items,
)

SCALE = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither"),
    (4, "Agree"),
    (5, "Strongly agree"),
]


def _problem_page(request: HttpRequest, exc: SurveyError) -> HttpResponse:
    template = {
        TokenUnknown: "surveys/survey_unknown.html",
        TokenUsed: "surveys/survey_used.html",
        RoundClosed: "surveys/survey_closed.html",
        RoundNotOpen: "surveys/survey_closed.html",
    }.get(type(exc), "surveys/survey_unknown.html")
    heading = "This survey is not open yet" if isinstance(exc, RoundNotOpen) else ""
    return render(
        request, template, {"message": exc.message, "heading": heading}, status=exc.status
    )


# No CSRF cookie: the unguessable token in the URL already proves the form came from the
# invitation (a forging site can't know it), and some in-app mail browsers drop cookies.
@csrf_exempt
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        inv = invitation_for_token(token=token)
    except SurveyError as exc:
        return _problem_page(request, exc)
    rnd = inv.round
    items = round_items(round=rnd)
    chosen: dict[str, str] = {}
    errors: dict[str, str] = {}
    comment = ""
    status = 200
    if request.method == "POST":
        answers: dict[str, int | None] = {}
        for it in items:
            # Kept exactly as sent: an unanswered question re-renders with nothing ticked.
            raw = request.POST.get(f"q_{it.key}")
            chosen[it.key] = raw or ""
            if raw is None or raw == "skip":
                answers[it.key] = None
            elif raw in {"1", "2", "3", "4", "5"}:
                answers[it.key] = int(raw)
            else:
                errors[f"answers.{it.key}"] = f"Choose 1 to 5 or skip (got {raw[:20]!r})."
        comment = request.POST.get("comment", "")
        if not errors:
            try:
                response_submit(token=token, answers=answers, comment=comment)
                return render(request, "surveys/survey_thanks.html", {"round": rnd})
            except (TokenUsed, RoundClosed, TokenUnknown, RoundNotOpen) as exc:
                return _problem_page(request, exc)
            except SurveyError as exc:
                errors = exc.errors or {"__all__": exc.message}
        status = 400
    questions = [
        {
            "item": it,
            "name": f"q_{it.key}",
            "chosen": chosen.get(it.key, ""),
            "error": errors.get(f"answers.{it.key}", ""),
        }
        for it in items
    ]
    return render(
        request,
        "surveys/survey.html",
        {
            "round": rnd,
            "org": rnd.organization,
            "questions": questions,
            "scale": SCALE,
            "comment": comment,
            "comment_max": COMMENT_MAX,
            "errors": errors,
            "general_errors": [v for k, v in errors.items() if not k.startswith("answers.")],
        },
        status=status,
    )
