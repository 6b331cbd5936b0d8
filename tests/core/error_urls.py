"""The project's URLs plus views that raise, to see each error page and API error answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import errors
from trustos.urls import handler403, handler404, handler500
from trustos.urls import urlpatterns as project_urls

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

KINDS: dict[str, type[errors.DomainError]] = {
    "invalid": errors.InvalidInput,
    "denied": errors.PermissionDenied,
    "missing": errors.NotFound,
    "conflict": errors.Conflict,
    "gone": errors.Gone,
}


def raise_domain(request: HttpRequest, kind: str) -> HttpResponse:
    raise KINDS[kind](f"Raised {kind} on purpose.", {"field": "why"})


def raise_django_denied(request: HttpRequest) -> HttpResponse:
    raise DjangoPermissionDenied("Only the owner may look here.")


def raise_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


class RaiseAPI(APIView):
    permission_classes: list = []

    def get(self, request: Request, kind: str) -> Response:
        raise KINDS[kind](f"Raised {kind} on purpose.", {"field": "why"})


urlpatterns = [
    path("test-errors/page/<str:kind>/", raise_domain),
    path("test-errors/denied/", raise_django_denied),
    path("test-errors/crash/", raise_crash),
    path("test-errors/api/<str:kind>/", RaiseAPI.as_view()),
    *project_urls,
]
