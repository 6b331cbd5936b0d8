"""REST API of handoffs: an integration posts a handoff (admins, write scope); pairs are read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from handoffs.models import HandoffSource
from handoffs.selectors import handoff_pairs_for_viewer
from handoffs.serializers import HandoffInSerializer, HandoffOutSerializer, HandoffPairSerializer
from handoffs.services import handoff_record
from orgs.models import RESULTS_ROLES, SETUP_ROLES
from orgs.tenancy import HasTenantRole, get_tenant


class HandoffsAPIView(APIView):
    """POST one handoff (idempotent on source + item + time: the same post twice stores one).
    Unknown people or teams are all listed and nothing is stored; a future time is refused."""

    permission_classes = [permissions.IsAuthenticated, HasTenantRole]
    allowed_roles = SETUP_ROLES

    @extend_schema(request=HandoffInSerializer, responses={201: HandoffOutSerializer})
    def post(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole
        ser = HandoffInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        event, created = handoff_record(
            org=tenant.org,
            source=HandoffSource.API,
            actor=request.user,
            item=d["item"],
            at=d.get("at"),
            link=d.get("link") or "",
            from_person=d.get("from_person") or None,
            to_person=d.get("to_person") or None,
            from_team=d.get("from_team") or None,
            to_team=d.get("to_team") or None,
        )
        out = HandoffOutSerializer(event, context={"created": created}).data
        return Response(out, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class HandoffPairsAPIView(APIView):
    """Handoff check-in figures per team pair and period, through disclosure control: k people
    on each side, decided on the whole org; a leader gets the pairs involving their teams."""

    permission_classes = [permissions.IsAuthenticated, HasTenantRole]
    allowed_roles = RESULTS_ROLES

    @extend_schema(
        parameters=[OpenApiParameter("period", str, description="YYYY-MM-DD period start")],
        responses=HandoffPairSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None
        pairs = handoff_pairs_for_viewer(tenant=tenant)
        period = request.query_params.get("period")
        if period:
            pairs = [p for p in pairs if p["period"].isoformat() == period]
        return Response(HandoffPairSerializer(pairs, many=True).data)
