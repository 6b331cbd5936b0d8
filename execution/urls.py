"""URL routes of execution's pages (mounted at /execution/, namespace "execution")."""

from django.urls import path

from execution import views, views_import

app_name = "execution"
urlpatterns = [
    path("", views.ExecutionPageView.as_view(), name="page"),
    path("friction/", views.FrictionView.as_view(), name="friction"),
    path("handoffs/", views.HandoffsView.as_view(), name="handoffs"),
    path("drivers/", views.DriversView.as_view(), name="drivers"),
    path("metrics/", views.MetricsView.as_view(), name="metrics"),
    path("import/", views_import.UploadView.as_view(), name="import"),
    path("import/demo/<str:name>", views_import.DemoFileView.as_view(), name="demo_file"),
    path("import/<int:pk>/", views_import.RunView.as_view(), name="import_run"),
    path("import/<int:pk>/columns/", views_import.ColumnsView.as_view(), name="import_columns"),
    path("import/<int:pk>/teams/", views_import.TeamsView.as_view(), name="import_teams"),
    path("import/<int:pk>/statuses/", views_import.StatusesView.as_view(), name="import_statuses"),
    path("import/<int:pk>/progress/", views_import.ProgressView.as_view(), name="import_progress"),
]
