"""Reliability API: α, Feldt interval, n, item–total r and warnings per dimension × period,
for admins and facilitators of the caller's organization (scoring/selectors_reliability.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput
from orgs.query import periods_parse
from orgs.tenancy import HasTenantRole, get_tenant
from scoring.api import PERIOD_HELP
from scoring.selectors_reliability import (
    ALPHA_LOW,
    ITEM_R_LOW,
    REASON_TEXT,
    RELIABILITY_ROLES,
    DimensionReliability,
    ReliabilityReport,
    reliability_for_org,
)

DIGITS = 3


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _num(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


ITEM_FIELDS: dict[str, serializers.Field] = {
    "key": serializers.CharField(),
    "text": serializers.CharField(),
    "item_total_r": _num("corrected item–total correlation (null when α is withheld)"),
    "n": serializers.IntegerField(help_text="answers to the statement"),
    "low": serializers.BooleanField(help_text=f"item_total_r < {ITEM_R_LOW}"),
}
DIMENSION_FIELDS: dict[str, serializers.Field] = {
    "key": serializers.CharField(),
    "name": serializers.CharField(),
    "alpha": _num("Cronbach's α (pairwise covariances); null with a reason"),
    "ci_low": _num("Feldt 95 % interval, low"),
    "ci_high": _num("Feldt 95 % interval, high"),
    "n": serializers.IntegerField(help_text="respondents with an answer on the dimension"),
    "k_items": serializers.IntegerField(help_text="statements answered"),
    "reason": serializers.CharField(help_text="why α is withheld; empty when shown"),
    "previous_alpha": _num("first period of a rubric version: α under the version before"),
    "items": inline_serializer("ReliabilityItem", ITEM_FIELDS, many=True),
    "warnings": serializers.ListField(child=serializers.CharField()),
}
ReliabilityOut = inline_serializer(
    "Reliability",
    {
        "k": serializers.IntegerField(
            help_text="minimum group size: departments below it are left out"
        ),
        "alpha_low": serializers.FloatField(),
        "item_total_low": serializers.FloatField(),
        "reasons": serializers.DictField(child=serializers.CharField()),
        "periods": serializers.ListField(child=serializers.DateField()),
        "blocks": inline_serializer(
            "ReliabilityBlock",
            {
                "team_id": serializers.IntegerField(help_text="0 = whole organization"),
                "team_name": serializers.CharField(),
                "period": serializers.DateField(),
                "rubric_id": serializers.IntegerField(),
                "rubric_label": serializers.CharField(),
                "previous_rubric_label": serializers.CharField(allow_null=True),
                "dimensions": inline_serializer(
                    "ReliabilityDimension", DIMENSION_FIELDS, many=True
                ),
            },
            many=True,
        ),
    },
)


def _dimension_json(d: DimensionReliability) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "alpha": _r(d.alpha),
        "ci_low": _r(d.ci_low),
        "ci_high": _r(d.ci_high),
        "n": d.n,
        "k_items": d.k_items,
        "reason": d.reason,
        "previous_alpha": _r(d.previous_alpha),
        "items": [
            {
                "key": it.key,
                "text": it.text,
                "item_total_r": _r(it.item_total_r),
                "n": it.n,
                "low": it.low,
            }
            for it in d.items
        ],
        "warnings": d.warnings,
    }


def reliability_json(report: ReliabilityReport) -> dict[str, Any]:
    return {
        "k": report.k,
        "alpha_low": ALPHA_LOW,
        "item_total_low": ITEM_R_LOW,
        "reasons": REASON_TEXT,
        "periods": [p.isoformat() for p in report.periods],
        "blocks": [
            {
                "team_id": b.team_id,
                "team_name": b.team_name,
                "period": b.period.isoformat(),
                "rubric_id": b.rubric_id,
                "rubric_label": b.rubric_label,
                "previous_rubric_label": b.previous_rubric_label,
                "dimensions": [_dimension_json(d) for d in b.dimensions],
            }
            for b in report.blocks
        ],
    }


class ReliabilityAPI(APIView):
    """Reliability of each dimension per period (org and departments): admins, facilitators."""

    permission_classes = [IsAuthenticated, HasTenantRole]
    allowed_roles = RELIABILITY_ROLES

    @extend_schema(
        operation_id="reliability",
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                many=True,
                description=PERIOD_HELP + "; default: the 6 latest with closed rounds",
            )
        ],
        responses={200: ReliabilityOut},
        summary="Cronbach's α, Feldt interval, n and item–total r per dimension and period",
    )
    def get(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole let the request through
        try:
            periods = periods_parse(
                request.query_params.getlist("period"), kind=tenant.org.reporting_period
            )
        except InvalidInput as exc:
            raise ValidationError(exc.errors) from exc
        return Response(reliability_json(reliability_for_org(org=tenant.org, periods=periods)))
