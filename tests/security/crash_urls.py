"""A URL conf whose one view raises, to see the 500 page as a client gets it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

handler500 = "core.views.server_error"


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash)]
