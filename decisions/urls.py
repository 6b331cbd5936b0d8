"""URL routes of decisions (pages, mounted at /decisions/; the check-in link is /decisions/c/#<token>)."""

from django.urls import path

from decisions import checkin_views, views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list_view, name="list"),
    path("new/", views.decision_create_view, name="create"),
    path("at-risk/", views.at_risk_view, name="at_risk"),
    path("stability/", views.stability_view, name="stability"),
    path("<int:pk>/", views.decision_detail_view, name="detail"),
    path("<int:pk>/edit/", views.decision_edit_view, name="edit"),
    path("<int:pk>/status/", views.decision_status_view, name="status"),
    path("<int:pk>/delete/", views.decision_delete_view, name="delete"),
    path("c/", checkin_views.checkin_open_view, name="checkin_open"),
    path("c/answer/", checkin_views.checkin_form_view, name="checkin_form"),
    # The old link form, kept for links already sent.
    path("c/<str:token>/", checkin_views.checkin_view, name="checkin"),
]
