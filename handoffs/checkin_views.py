"""The handoff check-in page opened from an email link: no login, phone-first, works without JS.

The emailed link is `/handoffs/c/#<token>`: the fragment never reaches the server. The
landing page moves it into a POST to `/handoffs/c/answer/` (static/js/link-open.js), whose
form posts it back in its body; only the submit spends the link (decisions' pattern).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import link_form_dispatch
from handoffs.checkins import (
    HandoffCheckInError,
    handoff_checkin_lookup,
    handoff_checkin_submit,
)
from handoffs.models import Chased, Side

AGREE = [
    ("1", "1 — strongly disagree"),
    ("2", "2 — disagree"),
    ("3", "3 — neither"),
    ("4", "4 — agree"),
    ("5", "5 — strongly agree"),
]


def _error_page(request: HttpRequest, err: HandoffCheckInError) -> HttpResponse:
    return render(request, "handoffs/checkin_closed.html", {"err": err}, status=err.status)


@never_cache
def checkin_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return render(request, "handoffs/checkin_open.html", {})


# The link is the credential (single-use token, no session): no CSRF to forge.
@csrf_exempt
@never_cache
def checkin_form_view(request: HttpRequest) -> HttpResponse:
    """The form for a token posted by the landing page, or its submission."""
    return link_form_dispatch(
        request,
        landing="handoffs:checkin_open",
        landing_template="handoffs/checkin_open.html",
        paste_error="Paste the whole link from your check-in email, or its code.",
        handle=lambda req, token, submit: _checkin(req, token, submit=submit),
    )


def _checkin(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    try:
        ctx = handoff_checkin_lookup(raw_token=token)
    except HandoffCheckInError as err:
        return _error_page(request, err)
    errors: dict[str, list[str]] = {}
    if submit:
        try:
            handoff_checkin_submit(raw_token=token, data=request.POST.dict())
        except HandoffCheckInError as err:
            return _error_page(request, err)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return render(request, "handoffs/checkin_thanks.html", {"handoff": ctx.handoff})
    ev = ctx.handoff
    sender = ctx.checkin.side == Side.SENDER
    return render(
        request,
        "handoffs/checkin.html",
        {
            "handoff": ev,
            "sender": sender,
            "other_team": (ev.to_team if sender else ev.from_team).name,
            "token": token,
            "errors": errors,
            "values": request.POST if submit else {},
            "agree": AGREE,
            "chased_choices": Chased.choices,
        },
        status=400 if errors else 200,
    )
