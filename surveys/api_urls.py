"""URL routes of surveys (api_urls)."""

from django.urls import path  # noqa: F401

app_name = "surveysapi"
urlpatterns: list = []
