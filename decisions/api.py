"""REST API of decisions: the register (token auth for other tools), check-in submit,
per-decision results, decisions at risk and the team x period decision-stability figures."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.links import link_token_from_authorization
from decisions.checkins import checkin_lookup, checkin_submit
from decisions.metrics import SOURCE_LABEL, decision_results
from decisions.models import Acted, Decision, Rediscussed
from decisions.permissions import can_log_decisions, check_may_log_for, may_edit
from decisions.selectors import decision_list, decisions_at_risk, stability_table
from decisions.serializers import (
    AtRiskSerializer,
    CheckInAnswerSerializer,
    CheckInQuestionSerializer,
    DecisionResultsSerializer,
    DecisionSerializer,
    StabilityCellSerializer,
)
from decisions.services import decision_create, decision_delete, decision_update
from orgs.models import DECISION_READ_ROLES
from orgs.tenancy import HasTenantRole, TenantScopedAPIMixin, get_tenant

READ_ROLES = DECISION_READ_ROLES


class DecisionViewSet(
    TenantScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Decisions the caller may read; create/update under the same rules as the pages."""

    serializer_class = DecisionSerializer
    queryset = Decision.objects.all()
    allowed_roles = None  # any member; finer rules below (employees need the org setting)

    def get_queryset(self) -> QuerySet[Decision]:
        tenant = self.tenant
        if not (tenant.has_any_role(READ_ROLES) or can_log_decisions(tenant)):
            raise PermissionDenied("Your role does not give access to the decision register.")
        p = self.request.query_params
        try:
            team_id = int(p.get("team") or 0) or None
        except ValueError:
            team_id = None
        return decision_list(
            tenant=tenant, q=p.get("q", "")[:200], team_id=team_id, status=p.get("status", "")
        ).prefetch_related("stakeholders", "status_changes__changed_by")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="search in title and context"),
            OpenApiParameter("team", int, description="affected team id (with sub-teams)"),
            OpenApiParameter(
                "status", str, description="decided | being_revisited | reversed | superseded"
            ),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tenant = self.tenant
        if not can_log_decisions(tenant):
            raise PermissionDenied("Your role does not allow logging decisions.")
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        if "decided_on" not in d:
            return Response({"decided_on": ["This field is required."]}, status=400)
        check_may_log_for(tenant, [t.pk for t in d.get("affected_teams", [])])
        decision = decision_create(org=tenant.org, actor=request.user, **d)
        out = self.get_serializer(self.get_queryset().get(pk=decision.pk))
        return Response(out.data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tenant = self.tenant
        decision = self.get_object()
        if not may_edit(tenant, decision):
            raise PermissionDenied(
                "You may only change decisions of teams you may log decisions for."
            )
        ser = self.get_serializer(decision, data=request.data, partial=kwargs.get("partial", False))
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        if "affected_teams" in d:
            check_may_log_for(tenant, [t.pk for t in d["affected_teams"]])
        extra: dict[str, Any] = {}
        if "owner" in d:
            extra["owner"] = d["owner"]
        if "superseded_by" in d:
            extra["superseded_by"] = d["superseded_by"]
        decision_update(
            decision=decision,
            actor=request.user,
            title=d.get("title"),
            context=d.get("context"),
            decided_on=d.get("decided_on"),
            affected_teams=d.get("affected_teams"),
            stakeholders=d.get("stakeholders"),
            source=d.get("source"),
            status=d.get("status"),
            note=d.get("note", ""),
            **extra,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        decision = self.get_object()
        if not may_edit(self.tenant, decision):
            raise PermissionDenied(
                "You may only delete decisions of teams you may log decisions for."
            )
        decision_delete(decision=decision, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=DecisionResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Per-decision check-in figures; no numbers below k answers."""
        decision = self.get_object()
        res = decision_results(org=self.tenant.org, decision_ids=[decision.pk])[decision.pk]
        return Response(DecisionResultsSerializer(res).data)


class AtRiskAPIView(APIView):
    """Decisions at risk for the caller's visible teams, ranked (only decisions with >= k answers)."""

    permission_classes = [permissions.IsAuthenticated, HasTenantRole]
    allowed_roles = READ_ROLES

    @extend_schema(responses=AtRiskSerializer(many=True))
    def get(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole
        return Response(AtRiskSerializer(decisions_at_risk(tenant=tenant), many=True).data)


class DecisionStabilityAPIView(APIView):
    """Team x period decision-stability figures from check-ins: a separate, labelled source
    next to the pulse items of the decision_stability dimension (never mixed into them)."""

    permission_classes = [permissions.IsAuthenticated, HasTenantRole]
    allowed_roles = READ_ROLES

    @extend_schema(
        responses=inline_serializer(
            "DecisionStability",
            {
                "dimension": drf_serializers.CharField(),
                "source": drf_serializers.CharField(),
                "k": drf_serializers.IntegerField(),
                "cells": StabilityCellSerializer(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        tenant = get_tenant(request)
        assert tenant is not None  # HasTenantRole
        table = stability_table(tenant=tenant)
        return Response(
            {
                "dimension": "decision_stability",
                "source": SOURCE_LABEL,
                "k": tenant.org.k,
                "cells": StabilityCellSerializer(table["rows"], many=True).data,
            }
        )


BEARER = OpenApiParameter(
    "Authorization",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Bearer <link token>: the token on the token-free URL /api/v1/checkins/",
)


def _link_token(request: Request, token: str, data: Any = None) -> str:
    """The check-in token: from the old URL form, else the body, else the Authorization header
    (the token-free URL keeps it out of access logs)."""
    if token:
        return token
    if hasattr(data, "get") and isinstance(data.get("token"), str) and data.get("token"):
        return str(data["token"])
    found = link_token_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
    if not found:
        raise ValidationError(
            {"token": ["Required: in the body or as an Authorization: Bearer header."]}
        )
    return found


class CheckInTokenFreeAPIView(APIView):
    """/api/v1/checkins/ (no login): the link token in the JSON body (POST) or an
    `Authorization: Bearer` header, so it never appears in a URL."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    def _questions(self, token: str) -> Response:
        ctx = checkin_lookup(raw_token=token)
        return Response(
            {
                "decision_title": ctx.decision.title,
                "decision_status": ctx.decision.status,
                "offset_days": ctx.invitation.offset_days,
                "acted_choices": dict(Acted.choices),
                "rediscussed_choices": dict(Rediscussed.choices),
            }
        )

    def _submit(self, request: Request, token: str) -> Response:
        data = request.data if hasattr(request.data, "get") else {}
        # A CheckInError or a ValidationError (bad values) is answered by core.api's handler.
        resp = checkin_submit(
            raw_token=_link_token(request, token, data),
            holding=data.get("holding"),
            acted=data.get("acted"),
            rediscussed=data.get("rediscussed"),
            comment=data.get("comment", ""),
        )
        return Response(
            {
                "detail": "Thank you, your answer was saved anonymously.",
                "decision_status_at_answer": resp.decision_status_at_answer,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="checkin_questions", responses=CheckInQuestionSerializer, parameters=[BEARER]
    )
    def get(self, request: Request) -> Response:
        return self._questions(_link_token(request, ""))

    @extend_schema(
        operation_id="checkin_submit",
        request=CheckInAnswerSerializer,
        responses={201: None},
        parameters=[BEARER],
    )
    def post(self, request: Request) -> Response:
        return self._submit(request, "")


class CheckInAPIView(CheckInTokenFreeAPIView):
    """/api/v1/checkins/<token>/: the old form, kept for existing clients (it puts the token
    in access logs)."""

    @extend_schema(responses=CheckInQuestionSerializer, deprecated=True)
    def get(self, request: Request, token: str) -> Response:  # type: ignore[override]
        return self._questions(token)

    @extend_schema(request=CheckInAnswerSerializer, responses={201: None}, deprecated=True)
    def post(self, request: Request, token: str) -> Response:  # type: ignore[override]
        return self._submit(request, token)
