"""The employee survey page behind a link token: no login, one screen, works without JavaScript.

The emailed link is `/s/#<token>`: the token is in the fragment, which browsers never send, so
no access log holds it. The landing page (`open_page`) moves it into a POST to `/s/answer/`
(`answer_form`), which shows the form; the form posts the token back in its body. Nothing is
stored between the two requests and only the submit spends the link, so a mail scanner that
fetches (GET) or even opens (POST) the link consumes nothing. The old path form
`/s/<token>/` (`answer`) still works for links sent before.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import link_form_dispatch
from surveys.selectors_forms import round_form
from surveys.services.errors import RoundClosed, RoundNotOpen, SurveyError, TokenUnknown, TokenUsed
from surveys.services.forms import round_form_hand_out
from surveys.services.responses import (
    COMMENT_MAX,
    invitation_for_token,
    respondent_items,
    response_submit,
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


@never_cache
def open_page(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return render(request, "surveys/survey_open.html", {})


# No CSRF cookie: the unguessable token in the body (or the old URL) already proves the form
# came from the invitation (a forging site can't know it), and some in-app mail browsers drop
# cookies.
@csrf_exempt
@never_cache
def answer_form(request: HttpRequest) -> HttpResponse:
    """The form for a token posted by the landing page, or its submission (core.link_views)."""
    return link_form_dispatch(
        request,
        landing="surveys:open",
        landing_template="surveys/survey_open.html",
        paste_error="Paste the whole link from your invitation email, or its code.",
        handle=lambda req, token, submit: _answer(req, token, submit=submit),
    )


@csrf_exempt
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The old link form `/s/<token>/`, kept for links already sent."""
    return _answer(request, token, submit=request.method == "POST")


def _answer(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    try:
        inv = invitation_for_token(token=token)
    except SurveyError as exc:
        return _problem_page(request, exc)
    rnd = inv.round
    chosen: dict[str, str] = {}
    errors: dict[str, str] = {}
    comment = ""
    status = 200
    # The person's rotation form: a new number each time the form is opened, then carried
    # in the page (never stored: surveys/services/forms.py says why).
    form_index: str | int | None = request.POST.get("form") if submit else None
    if submit:
        posted = {key[2:]: None for key in request.POST if key.startswith("q_")}
        try:
            items = respondent_items(round=rnd, form=form_index, answers=posted)
        except SurveyError as exc:  # a form number that fits no form: show a fresh form
            submit, errors, status = False, exc.errors or {"__all__": exc.message}, 400
    if not submit:
        form_index = round_form_hand_out(round=rnd)
        items = round_form(round=rnd, form_index=form_index)
    if submit:
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
                response_submit(token=token, answers=answers, comment=comment, form=form_index)
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
            "token": token,
            "org": rnd.organization,
            "questions": questions,
            "form_index": form_index,
            "scale": SCALE,
            "comment": comment,
            "comment_max": COMMENT_MAX,
            "errors": errors,
            "general_errors": [v for k, v in errors.items() if not k.startswith("answers.")],
        },
        status=status,
    )
