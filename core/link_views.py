"""The pages every emailed one-time link shares: landing, form dispatch, error page, answer step.

An app (decisions' check-ins, handoffs' check-ins, workshops' follow-ups, the pulse survey)
names its templates once (`LinkPages`) and gives its lookup, submit and page contexts to
`link_answer`; the flow around them — which error shows which page, a ValidationError
re-rendering the form with a 400, only the submit spending the link — is written here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.links import link_token_from_text

C = TypeVar("C")


@dataclass(frozen=True)
class LinkPages:
    """One app's emailed-link pages."""

    landing: str  # URL name of the landing page (the emailed link's path)
    open_template: str  # the landing page: reads nothing, stores nothing, spends nothing
    closed_template: str  # the link's error page ({"err": err}, with the error's status)
    paste_error: str  # said when a pasted link or code has no token in it


def link_open_page(request: HttpRequest, pages: LinkPages) -> HttpResponse:
    return render(request, pages.open_template, {})


def link_error_page(request: HttpRequest, pages: LinkPages, err: Any) -> HttpResponse:
    # Its own page rather than the generic error page (core.views): no site navigation for
    # someone without a login, and a heading per kind. The status is the error's own.
    return render(request, pages.closed_template, {"err": err}, status=err.status)


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


def link_pages_dispatch(
    request: HttpRequest,
    pages: LinkPages,
    handle: Callable[[HttpRequest, str, bool], HttpResponse],
) -> HttpResponse:
    """`link_form_dispatch` with the app's `LinkPages`."""
    return link_form_dispatch(
        request,
        landing=pages.landing,
        landing_template=pages.open_template,
        paste_error=pages.paste_error,
        handle=handle,
    )


def link_answer(
    request: HttpRequest,
    token: str,
    *,
    submit: bool,
    pages: LinkPages,
    error: type[Exception],
    lookup: Callable[[str], C],
    answer: Callable[[C], object],
    thanks: Callable[[C], tuple[str, Mapping[str, Any]]],
    form: Callable[[C, dict[str, list[str]]], tuple[str, Mapping[str, Any]]],
) -> HttpResponse:
    """The answer step of a link: look the token up (its `error` → the app's error page);
    on submit, `answer` it and show `thanks`, or the `form` again with the field errors
    (400). The form is shown for a token posted by the landing page (`submit` False)."""
    try:
        ctx = lookup(token)
    except error as err:
        return link_error_page(request, pages, err)
    errors: dict[str, list[str]] = {}
    if submit:
        try:
            answer(ctx)
        except error as err:
            return link_error_page(request, pages, err)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            template, context = thanks(ctx)
            return render(request, template, dict(context))
    template, context = form(ctx, errors)
    return render(request, template, dict(context), status=400 if errors else 200)
