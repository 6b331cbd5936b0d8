"""URL routes of decisions (urls)."""

from django.urls import path  # noqa: F401

app_name = "decisions"
urlpatterns: list = []
