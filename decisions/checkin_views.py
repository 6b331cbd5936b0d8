"""The check-in page opened from an email link: no login, phone-first, works without JS.

The emailed link is `/decisions/c/#<token>`: the fragment never reaches the server, so no
access log holds the token. The landing page (`checkin_open_view`) moves it into a POST to
`/decisions/c/answer/` (`checkin_form_view`), whose form posts it back in its body; only the
submit spends the link. The old path form `/decisions/c/<token>/` still works for links sent
before.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import LinkPages, link_answer, link_open_page, link_pages_dispatch
from decisions.checkins import CheckInError, checkin_lookup, checkin_submit
from decisions.forms import CheckInForm
from decisions.models import Acted, DecisionStatus, Rediscussed

PAGES = LinkPages(
    landing="decisions:checkin_open",
    open_template="decisions/checkin_open.html",
    closed_template="decisions/checkin_closed.html",
    paste_error="Paste the whole link from your check-in email, or its code.",
)


@never_cache
def checkin_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return link_open_page(request, PAGES)


# The link is the credential (single-use token, no session), so there is no CSRF to forge:
# a cross-site POST would need the secret token already.
@csrf_exempt
@never_cache
def checkin_form_view(request: HttpRequest) -> HttpResponse:
    """The form for a token posted by the landing page, or its submission (core.link_views)."""
    return link_pages_dispatch(
        request, PAGES, lambda req, token, submit: _checkin(req, token, submit=submit)
    )


@csrf_exempt
@never_cache
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    """The old link form `/decisions/c/<token>/`, kept for links already sent."""
    return _checkin(request, token, submit=request.method == "POST")


def _checkin(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    data = request.POST if submit else None

    def answer(_ctx: Any) -> None:
        checkin_submit(
            raw_token=token,
            holding=request.POST.get("holding", ""),
            acted=request.POST.get("acted"),
            rediscussed=request.POST.get("rediscussed"),
            comment=request.POST.get("comment", ""),
        )

    def form(ctx: Any, errors: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
        decision = ctx.decision
        return "decisions/checkin.html", {
            "decision": decision,
            "token": token,
            "offset": ctx.invitation.offset_days,
            "form": CheckInForm(data),
            "errors": errors,
            "values": data or {},
            "acted_choices": Acted.choices,
            "rediscussed_choices": Rediscussed.choices,
            "superseded": decision.status == DecisionStatus.SUPERSEDED,
            "closed": decision.status in (DecisionStatus.SUPERSEDED, DecisionStatus.REVERSED),
        }

    return link_answer(
        request,
        token,
        submit=submit,
        pages=PAGES,
        error=CheckInError,
        lookup=lambda t: checkin_lookup(raw_token=t),
        answer=answer,
        thanks=lambda ctx: ("decisions/checkin_thanks.html", {"decision": ctx.decision}),
        form=form,
    )
