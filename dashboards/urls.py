"""URL routes of the dashboard pages (mounted at /dashboard/)."""

from django.urls import path

from dashboards import exports, views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("trends/", views.trends, name="trends"),
    path("comments/", views.comments, name="comments"),
    path("friction/", views.friction, name="friction"),
    path("drivers/", views.drivers, name="drivers"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("export/<str:view>.<str:fmt>", exports.export_view, name="export"),
]
