"""Workshop pages (mounted at /workshops/)."""

from django.urls import path

from workshops import views_commitments, views_followup, views_prepare, views_report

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
]
