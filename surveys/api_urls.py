"""URL routes of surveys (api_urls): token-authenticated survey submission for chat bots."""

from django.urls import path

from surveys import api

app_name = "surveysapi"
urlpatterns = [
    path("responses/", api.ResponseSubmitAPI.as_view(), name="response_submit"),
    path("survey/<str:token>/", api.SurveyTokenAPI.as_view(), name="survey_token"),
]
