"""URL routes of the handoffs API (mounted under /api/v1/, namespace handoffsapi)."""

from django.urls import path

from handoffs import api

app_name = "handoffsapi"
urlpatterns = [
    path("handoffs/", api.HandoffsAPIView.as_view(), name="handoffs"),
    path("handoffs/pairs/", api.HandoffPairsAPIView.as_view(), name="pairs"),
]
