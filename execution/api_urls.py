"""URL routes of the execution API (mounted under /api/v1/, namespace executionapi)."""

from django.urls import path

from execution import api

app_name = "executionapi"
urlpatterns = [
    path("execution/observations/", api.ObservationsAPIView.as_view(), name="observations"),
    path("execution/work-items/", api.WorkItemsAPIView.as_view(), name="work-items"),
]
