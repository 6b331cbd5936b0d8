"""URL routes of the dashboard API (mounted at /api/v1/dashboard/)."""

from django.urls import path

from dashboards import api

app_name = "dashboardapi"
urlpatterns = [
    path("heatmap/", api.DashboardHeatmapAPI.as_view(), name="heatmap"),
    path("trends/", api.DashboardTrendsAPI.as_view(), name="trends"),
]
