"""URL routes of scoring (api_urls)."""

from django.urls import path  # noqa: F401

app_name = "scoringapi"
urlpatterns: list = []
