"""Workshop pages (mounted at /workshops/): prepare, commitments, report, run live."""

from django.urls import path

from workshops import views_commitments, views_followup, views_live, views_prepare, views_report

app_name = "workshops"

urlpatterns = [
    # --- prepare, commitments, report, follow-up (h-wsprep) ---
    path("", views_prepare.workshop_list_view, name="list"),
    path("new/", views_prepare.workshop_new_view, name="new"),
    path("<int:pk>/", views_prepare.workshop_detail_view, name="detail"),
    path(
        "<int:pk>/commitments/", views_commitments.commitment_create_view, name="commitment_create"
    ),
    path(
        "commitments/<int:pk>/edit/",
        views_commitments.commitment_edit_view,
        name="commitment_edit",
    ),
    path(
        "commitments/<int:pk>/status/",
        views_commitments.commitment_status_view,
        name="commitment_status",
    ),
    path(
        "commitments/<int:pk>/decision/",
        views_commitments.commitment_decision_view,
        name="commitment_decision",
    ),
    path("<int:pk>/report/", views_report.report_view, name="report"),
    path("<int:pk>/report.pdf", views_report.report_pdf_view, name="report_pdf"),
    path("f/", views_followup.followup_open_view, name="followup_open"),
    path("f/answer/", views_followup.followup_form_view, name="followup_form"),
    # --- end h-wsprep ---
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
