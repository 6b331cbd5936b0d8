"""URL routes of the decisions API (mounted under /api/v1/, namespace decisionsapi)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from decisions import api

app_name = "decisionsapi"

router = SimpleRouter()
router.register("decisions", api.DecisionViewSet, basename="decision")

urlpatterns = [
    path("decisions/at-risk/", api.AtRiskAPIView.as_view(), name="at-risk"),
    path("decision-stability/", api.DecisionStabilityAPIView.as_view(), name="stability"),
    path("checkins/", api.CheckInTokenFreeAPIView.as_view(), name="checkin_tokenless"),
    path("checkins/<str:token>/", api.CheckInAPIView.as_view(), name="checkin"),
    *router.urls,
]
