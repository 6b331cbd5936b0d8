"""The token-free answer step every emailed link shares: the landing posts the token here."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.links import link_token_from_text


def link_form_dispatch(
    request: HttpRequest,
    *,
    landing: str,
    landing_template: str,
    paste_error: str,
    handle: Callable[[HttpRequest, str, bool], HttpResponse],
) -> HttpResponse:
    """POST `link` (the landing script or a pasted link/code): show the form; POST `token`
    with answers: submit them (`handle(request, token, submit)`). A GET has no token to work
    with, so it goes back to the landing page `landing` (a URL name)."""
    if request.method != "POST":
        return redirect(landing)
    if "link" in request.POST:
        token = link_token_from_text(request.POST["link"])
        if not token:
            return render(request, landing_template, {"error": paste_error}, status=400)
        return handle(request, token, False)
    return handle(request, request.POST.get("token", ""), True)
