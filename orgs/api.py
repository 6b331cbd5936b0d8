"""REST API of the organization set-up (admins only): settings, teams, people, memberships.

Views are thin: serializers check shapes, services write and audit, the tenancy mixin
scopes every queryset to the caller's organization (another org's id is a 404).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.filters import IdFilter
from orgs import services
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.serializers import (
    MembershipSerializer,
    OrganizationSerializer,
    PersonSerializer,
    TeamSerializer,
)
from orgs.tenancy import TenantScopedAPIMixin


class OrganizationView(TenantScopedAPIMixin, generics.RetrieveUpdateAPIView):
    """The caller's own organization settings."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()  # never listed; get_object is the tenant's org
    allowed_roles = (Role.ADMIN,)
    http_method_names = ["get", "patch", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[Organization]:
        return Organization.objects.filter(pk=self.tenant.org.pk)

    def get_object(self) -> Organization:
        return self.tenant.org

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.organization_update(
            organization=self.tenant.org, actor=self.request.user, **serializer.validated_data
        )


class TeamFilter(django_filters.FilterSet):
    # Plain numbers, not model choices: an unknown id and another org's id must look the same.
    parent = IdFilter(field_name="parent_id")
    root = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="Only top-level teams"
    )

    class Meta:
        model = Team
        fields = ["parent", "root", "is_active"]


class TeamViewSet(TenantScopedAPIMixin, viewsets.ModelViewSet):
    """Teams of the organization (a tree via `parent`). DELETE only for never-used teams."""

    serializer_class = TeamSerializer
    queryset = Team.objects.all().order_by("name")
    filterset_class = TeamFilter
    allowed_roles = (Role.ADMIN,)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        team = services.team_create(
            organization=self.tenant.org,
            actor=self.request.user,
            name=data["name"],
            parent=data.get("parent"),
        )
        if data.get("is_active") is False:
            team = services.team_deactivate(team=team, actor=self.request.user)
        serializer.instance = team

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        team = serializer.instance
        active = data.pop("is_active", None)
        team = services.team_update(team=team, actor=self.request.user, **data)
        if active is True:
            team = services.team_reactivate(team=team, actor=self.request.user)
        elif active is False:
            team = services.team_deactivate(team=team, actor=self.request.user)
        serializer.instance = team

    def perform_destroy(self, instance: Team) -> None:
        services.team_delete(team=instance, actor=self.request.user)


class PersonFilter(django_filters.FilterSet):
    team = IdFilter(field_name="team_id")

    class Meta:
        model = Person
        fields = ["team", "is_active"]


class PersonViewSet(TenantScopedAPIMixin, viewsets.ModelViewSet):
    """People of the organization. DELETE erases the person (GDPR); `export/` returns their data."""

    serializer_class = PersonSerializer
    queryset = Person.objects.all().order_by("name", "id")
    filterset_class = PersonFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "email", "external_id"]
    allowed_roles = (Role.ADMIN,)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        active = data.pop("is_active", True)
        person = services.person_create(
            organization=self.tenant.org, actor=self.request.user, **data
        )
        if not active:
            person = services.person_deactivate(person=person, actor=self.request.user)
        serializer.instance = person

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        active = data.pop("is_active", None)
        person = services.person_update(person=serializer.instance, actor=self.request.user, **data)
        if active is not None:
            person = services.person_set_active(
                person=person, actor=self.request.user, active=active
            )
        serializer.instance = person

    def perform_destroy(self, instance: Person) -> None:
        services.person_delete(person=instance, actor=self.request.user)

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="GDPR export of one person.")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        return Response(services.person_export_record(person=person, actor=request.user))


class MembershipFilter(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["role"]


class MembershipViewSet(
    TenantScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles: create grants one to a person by email, update changes teams, delete revokes."""

    serializer_class = MembershipSerializer
    queryset = (
        Membership.objects.all().select_related("user").prefetch_related("teams").order_by("id")
    )
    filterset_class = MembershipFilter
    allowed_roles = (Role.ADMIN,)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.role_grant(
            organization=self.tenant.org,
            actor=self.request.user,
            email=data["email"],
            role=data["role"],
            teams=list(data.get("teams", [])),
        )

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        membership = serializer.instance
        if "teams" in data:
            membership = services.role_set_teams(
                membership=membership, actor=self.request.user, teams=list(data["teams"])
            )
        serializer.instance = membership

    def perform_destroy(self, instance: Membership) -> None:
        services.role_revoke(membership=instance, actor=self.request.user)
