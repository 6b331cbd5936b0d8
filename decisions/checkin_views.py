"""The check-in page opened from an email link: no login, phone-first, works without JS.

The emailed link is `/decisions/c/#<token>`: the fragment never reaches the server, so no
access log holds the token. The landing page (`checkin_open_view`) moves it into a POST to
`/decisions/c/answer/` (`checkin_form_view`), whose form posts it back in its body; only the
submit spends the link. The old path form `/decisions/c/<token>/` still works for links sent
before.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import link_form_dispatch
from decisions.checkins import CheckInError, checkin_lookup, checkin_submit
from decisions.forms import CheckInForm
from decisions.models import Acted, DecisionStatus, Rediscussed


def _error_page(request: HttpRequest, err: CheckInError) -> HttpResponse:
    # Its own page rather than the generic error page (core.views): no site navigation for
    # someone without a login, and a heading per kind. The status is the error's own.
    return render(request, "decisions/checkin_closed.html", {"err": err}, status=err.status)


@never_cache
def checkin_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return render(request, "decisions/checkin_open.html", {})


# The link is the credential (single-use token, no session), so there is no CSRF to forge:
# a cross-site POST would need the secret token already.
@csrf_exempt
@never_cache
def checkin_form_view(request: HttpRequest) -> HttpResponse:
    """The form for a token posted by the landing page, or its submission (core.link_views)."""
    return link_form_dispatch(
        request,
        landing="decisions:checkin_open",
        landing_template="decisions/checkin_open.html",
        paste_error="Paste the whole link from your check-in email, or its code.",
        handle=lambda req, token, submit: _checkin(req, token, submit=submit),
    )


@csrf_exempt
@never_cache
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    """The old link form `/decisions/c/<token>/`, kept for links already sent."""
    return _checkin(request, token, submit=request.method == "POST")


def _checkin(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    try:
        ctx = checkin_lookup(raw_token=token)
    except CheckInError as err:
        return _error_page(request, err)
    errors: dict[str, list[str]] = {}
    data = request.POST if submit else None
    if submit:
        try:
            checkin_submit(
                raw_token=token,
                holding=request.POST.get("holding", ""),
                acted=request.POST.get("acted"),
                rediscussed=request.POST.get("rediscussed"),
                comment=request.POST.get("comment", ""),
            )
        except CheckInError as err:
            return _error_page(request, err)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return render(request, "decisions/checkin_thanks.html", {"decision": ctx.decision})
    decision = ctx.decision
    return render(
        request,
        "decisions/checkin.html",
        {
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
        },
        status=400 if errors else 200,
    )
