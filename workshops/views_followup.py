"""The "did this happen?" page opened from an emailed link: no login, phone-first, no JS needed.

The emailed link is `/workshops/f/#<token>` (the fragment never reaches the server); the
landing page posts it to `/workshops/f/answer/`, whose form posts it back with the answer.
Only the submit spends the link (decisions/checkin_views.py is the same pattern).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.link_views import LinkPages, link_answer, link_open_page, link_pages_dispatch
from workshops.models_commitments import FollowUpAnswerChoice
from workshops.services_followup import FollowUpError, followup_answer, followup_lookup

PAGES = LinkPages(
    landing="workshops:followup_open",
    open_template="workshops/followup_open.html",
    closed_template="workshops/followup_closed.html",
    paste_error="Paste the whole link from the email, or its code.",
)


@never_cache
def followup_open_view(request: HttpRequest) -> HttpResponse:
    """The landing page of the emailed link: reads nothing, stores nothing, spends nothing."""
    return link_open_page(request, PAGES)


# The link is the credential (single-use token, no session): no CSRF to forge.
@csrf_exempt
@never_cache
def followup_form_view(request: HttpRequest) -> HttpResponse:
    return link_pages_dispatch(
        request, PAGES, lambda req, token, submit: _followup(req, token, submit=submit)
    )


def _followup(request: HttpRequest, token: str, *, submit: bool) -> HttpResponse:
    def form(ctx: Any, errors: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
        return "workshops/followup.html", {
            "commitment": ctx.commitment,
            "is_owner": ctx.link.is_owner,
            "token": token,
            "choices": FollowUpAnswerChoice.choices,
            "error": " ".join(m for messages in errors.values() for m in messages),
        }

    return link_answer(
        request,
        token,
        submit=submit,
        pages=PAGES,
        error=FollowUpError,
        lookup=lambda t: followup_lookup(raw_token=t),
        answer=lambda _ctx: followup_answer(raw_token=token, answer=request.POST.get("answer", "")),
        thanks=lambda ctx: (
            "workshops/followup_thanks.html",
            {"commitment": ctx.commitment, "is_owner": ctx.link.is_owner},
        ),
        form=form,
    )
