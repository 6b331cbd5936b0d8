"""Set-up pages for an org admin, mounted at /setup/ (namespace "orgs")."""

from django.urls import path

from orgs import views, views_import, views_lockout, views_people

app_name = "orgs"
urlpatterns = [
    path("", views.SetupHomeView.as_view(), name="setup"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/status/", views.TeamStatusView.as_view(), name="team_status"),
    path("people/", views_people.PersonListView.as_view(), name="person_list"),
    path("people/new/", views_people.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views_people.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/status/", views_people.PersonStatusView.as_view(), name="person_status"),
    path("people/<int:pk>/export/", views_people.PersonExportView.as_view(), name="person_export"),
    path("people/<int:pk>/delete/", views_people.PersonDeleteView.as_view(), name="person_delete"),
    path("people/import/", views_import.ImportUploadView.as_view(), name="import"),
    path("people/import/preview/", views_import.ImportPreviewView.as_view(), name="import_preview"),
    path(
        "people/import/example.csv",
        views_import.ImportExampleView.as_view(),
        name="import_example",
    ),
    path("roles/", views.RoleListView.as_view(), name="roles"),
    path("roles/<int:pk>/revoke/", views.RoleRevokeView.as_view(), name="role_revoke"),
    path("api-token/", views.TokenView.as_view(), name="tokens"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("lockouts/", views_lockout.LockoutView.as_view(), name="lockouts"),
]
