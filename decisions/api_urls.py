"""URL routes of decisions (api_urls)."""

from django.urls import path  # noqa: F401

app_name = "decisionsapi"
urlpatterns: list = []
