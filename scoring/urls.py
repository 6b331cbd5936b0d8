"""URL routes of scoring (urls): the plain results page."""

from django.urls import path

from scoring import views, views_reliability

app_name = "scoring"
urlpatterns = [
    path("", views.results, name="results"),
    path("reliability/", views_reliability.reliability, name="reliability"),
]
