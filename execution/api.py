"""REST API of execution: bulk metric values and work items with their events (admins, write scope).

Both are idempotent, so a nightly job can re-send everything: the same request twice leaves
the same rows. Teams are given by id and must be the caller's organization's.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from execution.serializers import (
    ObservationsInSerializer,
    ObservationsOutSerializer,
    WorkItemsInSerializer,
    WorkItemsOutSerializer,
)
from execution.services_api import observations_receive, work_items_receive
from orgs.models import SETUP_ROLES
from orgs.tenancy import HasTenantRole, get_tenant


class _AdminWrite(APIView):
    permission_classes = [permissions.IsAuthenticated, HasTenantRole]
    allowed_roles = SETUP_ROLES


class ObservationsAPIView(_AdminWrite):
    """Store metric values per team and period (source "api"); re-sending updates them."""

    @extend_schema(request=ObservationsInSerializer, responses=ObservationsOutSerializer)
    def post(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole
        ser = ObservationsInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        out = observations_receive(
            organization=tenant.org, actor=request.user, rows=ser.validated_data["observations"]
        )
        return Response(ObservationsOutSerializer(out).data)


class WorkItemsAPIView(_AdminWrite):
    """Store work items with their status/assignee/team changes and follow-ups, then derive
    the flow metrics; idempotent on (source, item id) and (item, field, at, to)."""

    @extend_schema(request=WorkItemsInSerializer, responses=WorkItemsOutSerializer)
    def post(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole
        ser = WorkItemsInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        out = work_items_receive(
            organization=tenant.org,
            actor=request.user,
            source=ser.validated_data["source"],
            items=ser.validated_data["items"],
        )
        return Response(WorkItemsOutSerializer(out).data)
