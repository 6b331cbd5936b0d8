"""Participant URLs (/w/): no account, reached by join code or QR."""

from django.urls import path

from workshops import views_participant as v

app_name = "workshops_participant"

urlpatterns = [
    path("", v.join, name="join"),
    path("<str:code>/", v.live, name="live"),
    path("<str:code>/status", v.status, name="status"),
    path("<str:code>/results", v.results, name="results"),
    path("<str:code>/polls/<int:poll_id>/vote", v.vote, name="vote"),
]
