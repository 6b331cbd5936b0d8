"""Facilitator URLs of workshops (/workshops/)."""

from django.urls import path

from workshops import views_live

app_name = "workshops"

urlpatterns = [
    # --- Run live (h-wslive) ---
    path("<int:workshop_id>/run/", views_live.run, name="run"),
    path("<int:workshop_id>/run/start", views_live.go_live, name="go_live"),
    path("<int:workshop_id>/run/end", views_live.end, name="end"),
    path("<int:workshop_id>/run/polls/add", views_live.poll_add, name="poll_add"),
    path("<int:workshop_id>/run/polls/<int:poll_id>/edit", views_live.poll_edit, name="poll_edit"),
    path(
        "<int:workshop_id>/run/polls/<int:poll_id>/<str:action>",
        views_live.poll_action,
        name="poll_action",
    ),
    path("<int:workshop_id>/projector/", views_live.projector, name="projector"),
    path("<int:workshop_id>/projector/live", views_live.projector_live, name="projector_live"),
    path("<int:workshop_id>/join-qr.svg", views_live.join_qr, name="join_qr"),
    # --- end of Run live ---
]
