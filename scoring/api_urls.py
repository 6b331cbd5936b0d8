"""URL routes of scoring (api_urls): the k-anonymous results API."""

from django.urls import path

from scoring import api, api_reliability

app_name = "scoringapi"
urlpatterns = [
    path("results/", api.ResultsAPI.as_view(), name="results"),
    path("reliability/", api_reliability.ReliabilityAPI.as_view(), name="reliability"),
]
