"""The one DRF exception handler: domain errors, Django ValidationErrors and Django's request
body limits become 4xx, never 500."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    """The JSON body of a domain error: what to show, what to branch on, and per field."""
    return {"detail": exc.message, "code": exc.code, "errors": exc.errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the domain error family and Django ValidationErrors (raised by
    services) turned into their 4xx responses."""
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's own body limits, hit while DRF reads the body: the API answers in JSON.
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


# Accept headers every JSON client sends (or none at all): each picks JSON first anyway.
ACCEPTS_JSON = frozenset({"", "*/*", "application/json"})


class JsonFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with its answer for the common case given without parsing: no
    format override and an Accept of nothing, */* or application/json pick the first renderer
    when it is JSON (as DRF would). Any other Accept or a ?format= goes through DRF."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        if (
            not format_suffix
            and renderers
            and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT", "") in ACCEPTS_JSON
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
