"""URL routes of handoffs (pages at /handoffs/; the check-in link is /handoffs/c/#<token>)."""

from django.urls import path

from handoffs import checkin_views, views

app_name = "handoffs"
urlpatterns = [
    path("", views.pairs_view, name="pairs"),
    path("new/", views.handoff_new_view, name="new"),
    path("c/", checkin_views.checkin_open_view, name="checkin_open"),
    path("c/answer/", checkin_views.checkin_form_view, name="checkin_form"),
]
