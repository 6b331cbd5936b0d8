"""URL routes of surveys (api_urls): survey submission for chat bots; schedules and rounds."""

from django.urls import path

from surveys import api, api_pulses

app_name = "surveysapi"
urlpatterns = [
    path("responses/", api.ResponseSubmitAPI.as_view(), name="response_submit"),
    path("survey/", api.SurveyAPI.as_view(), name="survey_tokenless"),
    path("survey/<str:token>/", api.SurveyTokenAPI.as_view(), name="survey_token"),
    path("pulse-schedules/", api_pulses.ScheduleListAPI.as_view(), name="schedule_list"),
    path(
        "pulse-schedules/<int:pk>/", api_pulses.ScheduleDetailAPI.as_view(), name="schedule_detail"
    ),
    path("rounds/", api_pulses.RoundListAPI.as_view(), name="round_list"),
    path("rounds/<int:pk>/", api_pulses.RoundDetailAPI.as_view(), name="round_detail"),
]
