"""URL routes of scoring (api_urls): the k-anonymous results API."""

from django.urls import path

from scoring import api

app_name = "scoringapi"
urlpatterns = [path("results/", api.ResultsAPI.as_view(), name="results")]
