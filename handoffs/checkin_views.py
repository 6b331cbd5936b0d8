"""The handoff check-in page opened from an email link: no login, phone-first, works without JS.

The emailed link is `/handoffs/c/#<token>`: the fragment never reaches the server. The
landing page moves it into a POST to `/handoffs/c/answer/` (static/js/link-open.js), whose
form posts it back in its body; only the submit spends the link (decisions' pattern).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import LinkPages, link_answer, link_open_page, link_pages_dispatch
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


PAGES = LinkPages(
    landing="handoffs:checkin_open",
    open_template="handoffs/checkin_open.html",
    closed_template="handoffs/checkin_closed.html",
    paste_error="Paste the whole link from your check-in email, or its code.",
)


@never_cache
def checkin_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return link_open_page(request, PAGES)


# The link is the credential (single-use token, no session): no CSRF to forge.
@csrf_exempt
@never_cache
def checkin_form_view(request: HttpRequest) -> HttpResponse:
    """The form for a token posted by the landing page, or its submission."""
    return link_pages_dispatch(
        request, PAGES, lambda req, token, submit: _checkin(req, token, submit=submit)
    )


def _checkin(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    def form(ctx: Any, errors: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
        ev = ctx.handoff
        sender = ctx.checkin.side == Side.SENDER
        return "handoffs/checkin.html", {
            "handoff": ev,
            "sender": sender,
            "other_team": (ev.to_team if sender else ev.from_team).name,
            "token": token,
            "errors": errors,
            "values": request.POST if submit else {},
            "agree": AGREE,
            "chased_choices": Chased.choices,
        }

    return link_answer(
        request,
        token,
        submit=submit,
        pages=PAGES,
        error=HandoffCheckInError,
        lookup=lambda t: handoff_checkin_lookup(raw_token=t),
        answer=lambda _ctx: handoff_checkin_submit(raw_token=token, data=request.POST.dict()),
        thanks=lambda ctx: ("handoffs/checkin_thanks.html", {"handoff": ctx.handoff}),
        form=form,
    )
