"""REST API routes of the organization set-up, under /api/v1/ (namespace "orgsapi")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from orgs import api

app_name = "orgsapi"

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register("people", api.PersonViewSet, basename="person")
router.register("memberships", api.MembershipViewSet, basename="membership")

urlpatterns = [
    path("organization/", api.OrganizationView.as_view(), name="organization"),
    *router.urls,
]
