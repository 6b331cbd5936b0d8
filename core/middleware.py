"""Page middleware: domain errors become their styled error page (the API has core.api),
control characters in the query string, URL or form body are refused before any view runs,
and the Content-Security-Policy header is built once per process."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
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


# A view or response that shapes its own policy (django-csp's decorators) takes the library's
# own path; so does a request that used its nonce.
_POLICY_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _static_policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, value, exemption attribute, excluded path prefixes) of the policy and the
    report-only policy, as django-csp builds them from settings without a nonce or override."""
    out = []
    for header, value, exempt, setting in (
        (HEADER, build_policy(), "_csp_exempt", "CONTENT_SECURITY_POLICY"),
        (
            HEADER_REPORT_ONLY,
            build_policy(report_only=True),
            "_csp_exempt_ro",
            "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        ),
    ):
        if value:
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            out.append((header, value, exempt, tuple(prefixes)))
    return tuple(out)


def _policies_forget(*, setting: str, **_: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _static_policies.cache_clear()


setting_changed.connect(_policies_forget, dispatch_uid="core-csp-policies")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, the same header on every response, but the policy string is
    built once per process (the settings' policy) instead of per response: building it was
    ~10 % of an anonymous survey submit's CPU. A nonce or a per-view policy takes the
    library's path unchanged."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _POLICY_OVERRIDES
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them
        for header, value, exempt, prefixes in _static_policies():
            if (
                header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error, not a
        # nonce silently missing from the policy.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
