"""The "did this happen?" page opened from an emailed link: no login, phone-first, no JS needed.

The emailed link is `/workshops/f/#<token>` (the fragment never reaches the server); the
landing page posts it to `/workshops/f/answer/`, whose form posts it back with the answer.
Only the submit spends the link (decisions/checkin_views.py is the same pattern).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import link_form_dispatch
from workshops.models_commitments import FollowUpAnswerChoice
from workshops.services_followup import FollowUpError, followup_answer, followup_lookup


def _error_page(request: HttpRequest, err: FollowUpError) -> HttpResponse:
    return render(request, "workshops/followup_closed.html", {"err": err}, status=err.status)


@never_cache
def followup_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return render(request, "workshops/followup_open.html", {})


# The link is the credential (single-use token, no session): no CSRF to forge.
@csrf_exempt
@never_cache
def followup_form_view(request: HttpRequest) -> HttpResponse:
    return link_form_dispatch(
        request,
        landing="workshops:followup_open",
        landing_template="workshops/followup_open.html",
        paste_error="Paste the whole link from the email, or its code.",
        handle=lambda req, token, submit: _followup(req, token, submit=submit),
    )


def _followup(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    try:
        ctx = followup_lookup(raw_token=token)
    except FollowUpError as err:
        return _error_page(request, err)
    error = ""
    if submit:
        try:
            followup_answer(raw_token=token, answer=request.POST.get("answer", ""))
        except FollowUpError as err:
            return _error_page(request, err)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return render(
                request,
                "workshops/followup_thanks.html",
                {"commitment": ctx.commitment, "is_owner": ctx.link.is_owner},
            )
    return render(
        request,
        "workshops/followup.html",
        {
            "commitment": ctx.commitment,
            "is_owner": ctx.link.is_owner,
            "token": token,
            "choices": FollowUpAnswerChoice.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
