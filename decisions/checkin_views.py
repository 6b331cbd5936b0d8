"""The check-in page opened from an email link: no login, phone-first, works without JS."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from decisions.checkins import CheckInError, checkin_lookup, checkin_submit
from decisions.forms import CheckInForm
from decisions.models import Acted, DecisionStatus, Rediscussed


def _error_page(request: HttpRequest, err: CheckInError) -> HttpResponse:
    # Its own page rather than the generic error page (core.views): no site navigation for
    # someone without a login, and a heading per kind. The status is the error's own.
    return render(request, "decisions/checkin_closed.html", {"err": err}, status=err.status)


# The link is the credential (single-use token, no session), so there is no CSRF to forge:
# a cross-site POST would need the secret token already.
@csrf_exempt
@never_cache
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ctx = checkin_lookup(raw_token=token)
    except CheckInError as err:
        return _error_page(request, err)
    errors: dict[str, list[str]] = {}
    data = request.POST if request.method == "POST" else None
    if request.method == "POST":
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
