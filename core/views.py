"""The error pages (403, 404, 410, 500 and the other domain errors), styled like the site.

Wired as handler403/404/500 in trustos.urls; DomainErrorMiddleware sends a domain error
raised in any page view here. The 500 page renders without request or database.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist

from core.errors import DomainError, NotFound, PermissionDenied

# Statuses with a page of their own; any other domain error gets the generic error.html.
PAGES = {403: "403.html", 404: "404.html", 410: "410.html"}


# Paths answered in JSON even when Django, not DRF, refuses them (no URL matched the path).
API_PREFIX = "/api/"


def domain_error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # The API's error shape (core.api.domain_error_body), not an HTML page: a client of
        # /api/v1/teams/1.5/ (no route) must get the JSON its schema documents.
        body = {"detail": exc.message, "code": exc.code, "errors": exc.errors}
        return JsonResponse(body, status=exc.status)
    template = PAGES.get(exc.status, "error.html")
    return render(
        request, template, {"message": exc.message, "status": exc.status}, status=exc.status
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django's PermissionDenied messages are written for users ("Your role does not allow…").
    text = str(exception) if exception is not None else ""
    return domain_error_page(request, PermissionDenied(text or None))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Http404's own text ("No Team matches the given query.") is for developers: not shown.
    message = exception.message if isinstance(exception, NotFound) else None
    return domain_error_page(request, NotFound(message))


def server_error(request: HttpRequest | None = None) -> HttpResponse:
    """No context, no request, no database: whatever broke must not break this page too."""
    try:
        body = loader.get_template("500.html").render()
    except TemplateDoesNotExist:
        body = "<h1>Server error (500)</h1>"
    return HttpResponseServerError(body)
