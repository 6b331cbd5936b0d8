"""Dashboard API: the heatmap and trend figures of the pages and exports, as JSON.

The same selectors and disclosure decision as the pages: hidden cells carry their reason
only, never numbers. Bad filters are a 400 with the field named; a team the caller may not
see is a 404, whatever the reason.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.exports import HEADER, export_rows
from dashboards.filters import dashboard_query, dashboard_tenant

PARAMS = [
    OpenApiParameter(
        "team",
        OpenApiTypes.INT,
        description="team id, 0 = whole organization; default: the caller's own top team",
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description="period as the pages label it "
        "(2026-11, 2026-W47) or a date YYYY-MM-DD in it; default: the latest",
    ),
]

RowOut = inline_serializer(
    "DashboardRow",
    many=True,
    fields={
        "team_id": serializers.IntegerField(help_text="0 = whole organization"),
        "team": serializers.CharField(),
        "period": serializers.CharField(help_text="period label"),
        "measure": serializers.CharField(help_text="Trust index or a dimension name"),
        "score": serializers.FloatField(allow_null=True, help_text="null when hidden"),
        "ci_low": serializers.FloatField(allow_null=True),
        "ci_high": serializers.FloatField(allow_null=True),
        "n": serializers.IntegerField(
            allow_null=True, help_text="distinct people; null when hidden"
        ),
        "hidden_because": serializers.CharField(help_text="empty when shown"),
    },
)
TableOut = inline_serializer(
    "DashboardTable",
    {
        "k": serializers.IntegerField(),
        "team_id": serializers.IntegerField(),
        "rows": RowOut,
    },
)


def _table(request: Request, view: str) -> dict[str, Any]:
    tenant = dashboard_tenant(request)
    params = request.query_params
    q = dashboard_query(tenant=tenant, params=params)
    rows = export_rows(tenant=tenant, q=q, view=view, params=params)
    return {
        "k": tenant.org.k,
        "team_id": q.team_id,
        "rows": [dict(zip(HEADER, r, strict=True)) for r in rows],
    }


class DashboardHeatmapAPI(APIView):
    """The heatmap: the team and its sub-teams × trust index and dimensions for one period."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dashboard_heatmap",
        parameters=[
            *PARAMS,
            OpenApiParameter("sort", OpenApiTypes.STR, description="name or a column key"),
            OpenApiParameter("dir", OpenApiTypes.STR, enum=["asc", "desc"]),
        ],
        responses={200: TableOut},
    )
    def get(self, request: Request) -> Response:
        return Response(_table(request, "heatmap"))


class DashboardTrendsAPI(APIView):
    """The trends: the team's trust index and each dimension over every released period."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="dashboard_trends", parameters=PARAMS, responses={200: TableOut})
    def get(self, request: Request) -> Response:
        return Response(_table(request, "trends"))
