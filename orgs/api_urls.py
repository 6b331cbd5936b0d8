"""URL routes of orgs (api_urls)."""

from django.urls import path  # noqa: F401

app_name = "orgsapi"
urlpatterns: list = []
