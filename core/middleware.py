"""Page middleware: domain errors become their styled error page (the API has core.api), and
control characters in the query string, URL or form body are refused before any view runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from rest_framework.views import APIView

from core.api import domain_error_body
from core.errors import DomainError, InvalidInput
from core.validation import refuse_control_characters_in_pairs
from core.views import domain_error_page


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_error_page(request, exception)
        return None


class RefuseControlCharactersMiddleware:
    """A control character in the query string, the URL's parameters or a page's form body is
    a 400 naming the field, before any view runs (core.validation says why). API bodies are
    checked by core.parsers, which also cover PUT and PATCH; here the API gets only its JSON
    error for the query string and URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        is_api = isinstance(getattr(view_func, "cls", None), type) and issubclass(
            view_func.cls,  # type: ignore[attr-defined]
            APIView,
        )
        try:
            refuse_control_characters_in_pairs(
                [(k, v) for k, v in view_kwargs.items() if isinstance(v, str)], source="URL"
            )
            refuse_control_characters_in_pairs(_pairs(request.GET), source="query string")
            if not is_api and request.method == "POST":
                refuse_control_characters_in_pairs(_pairs(request.POST), source="body")
        except InvalidInput as exc:
            if is_api:
                return JsonResponse(domain_error_body(exc), status=exc.status)
            return domain_error_page(request, exc)
        return None


def _pairs(data: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in data.lists() for value in values]


class PrivatePagesMiddleware:
    """A response to a signed-in reader is `Cache-Control: private, no-store` unless its view
    said otherwise: figures, names and tokens must not be kept by a shared proxy or left in
    the browser's cache for the next person at the same computer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if not response.has_header("Cache-Control") and getattr(user, "is_authenticated", False):
            response["Cache-Control"] = "private, no-store"
        return response
