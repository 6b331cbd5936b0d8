"""REST API for leaders and admins: pulse schedules (CRUD) and rounds (list, detail, send now)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.models import PULSE_ROLES
from orgs.tenancy import TenantScopedAPIMixin
from surveys.models import Cadence, PulseRound, PulseSchedule
from surveys.selectors import (
    Participation,
    participation_for_round,
    participation_for_rounds,
    rounds_visible,
    schedule_can_manage,
    schedules_visible,
    team_choices,
)
from surveys.selectors_questions import round_question_range
from surveys.services.rounds import round_create
from surveys.services.schedules import schedule_create, schedule_delete, schedule_update


class _TeamsField(serializers.PrimaryKeyRelatedField):
    """Only teams the user may address (leaders: the teams they lead, with sub-teams)."""

    def get_queryset(self) -> Any:
        return team_choices(tenant=self.context["tenant"])


QUESTIONS_HELP = (
    "questions per round: at least the active rubric's dimensions + 1 (every dimension, plus a "
    "second statement of one), at most 10 — what the rotation really asks"
)


def _questions_valid(serializer: serializers.Serializer, value: int) -> int:
    rng = round_question_range(organization=serializer.context["tenant"].org)
    if not rng.low <= value <= rng.high:
        raise serializers.ValidationError(rng.error)
    return value


class ScheduleSerializer(serializers.ModelSerializer):
    teams = _TeamsField(many=True)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    questions_per_round = serializers.IntegerField(help_text=QUESTIONS_HELP)
    open_days = serializers.IntegerField(min_value=1, max_value=28)
    send_weekday = serializers.IntegerField(min_value=0, max_value=6, default=0)
    send_hour = serializers.IntegerField(min_value=0, max_value=23, default=9)
    periodic_task: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = PulseSchedule
        fields = [
            "id",
            "name",
            "teams",
            "cadence",
            "questions_per_round",
            "open_days",
            "send_weekday",
            "send_hour",
            "is_active",
            "periodic_task",
        ]

    def validate_questions_per_round(self, value: int) -> int:
        return _questions_valid(self, value)

    def create(self, data: dict[str, Any]) -> PulseSchedule:
        teams = data.pop("teams")
        tenant = self.context["tenant"]
        return schedule_create(
            organization=tenant.org, actor=self.context["request"].user, teams=teams, **data
        )

    def update(self, instance: PulseSchedule, data: dict[str, Any]) -> PulseSchedule:
        teams = data.pop("teams", None)
        return schedule_update(
            schedule=instance, actor=self.context["request"].user, teams=teams, **data
        )


class ParticipationRowSerializer(serializers.Serializer):
    # The API's field is called "label", which shadows Field.label in the stubs' view.
    label = serializers.CharField()  # type: ignore[assignment]
    invited = serializers.IntegerField()
    responded = serializers.IntegerField(allow_null=True, help_text="null = suppressed")
    rate = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="why `responded` is hidden: a code of trustmath.suppression, '' when shown"
    )


def _participation(p: Participation) -> dict[str, Any]:
    def row(r: Any) -> dict[str, Any] | None:
        return None if r is None else ParticipationRowSerializer(r).data

    return {
        "k": p.k,
        # Each team with its sub-teams; suppression decided once on the whole tree.
        "teams": [row(r) for r in p.rows],
        "total": row(p.total),
    }


class RoundSerializer(serializers.ModelSerializer):
    teams = _TeamsField(many=True)
    questions = serializers.IntegerField(default=8, write_only=True, help_text=QUESTIONS_HELP)
    open_days = serializers.IntegerField(min_value=1, max_value=28, default=5, write_only=True)
    items = serializers.SerializerMethodField()
    participation = serializers.SerializerMethodField()

    class Meta:
        model = PulseRound
        fields = [
            "id",
            "title",
            "teams",
            "questions",
            "open_days",
            "schedule",
            "rubric",
            "period",
            "opens_at",
            "closes_at",
            "status",
            "items",
            "participation",
        ]
        read_only_fields = ["schedule", "rubric", "period", "opens_at", "closes_at", "status"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def validate_questions(self, value: int) -> int:
        return _questions_valid(self, value)

    def get_items(self, obj: PulseRound) -> list[str]:
        return [ri.item.key for ri in obj.round_items.select_related("item")]

    def get_participation(self, obj: PulseRound) -> dict[str, Any]:
        cache = self.context.get("participation")
        p = (
            cache[obj.pk]
            if cache
            else participation_for_round(round=obj, tenant=self.context["tenant"])
        )
        return _participation(p)

    def create(self, data: dict[str, Any]) -> PulseRound:
        tenant = self.context["tenant"]
        return round_create(
            organization=tenant.org,
            teams=list(data["teams"]),
            title=data.get("title", ""),
            questions=data["questions"],
            open_days=data["open_days"],
            actor=self.context["request"].user,
        )


class ScheduleListAPI(TenantScopedAPIMixin, generics.ListCreateAPIView):
    allowed_roles = PULSE_ROLES
    serializer_class = ScheduleSerializer
    queryset = PulseSchedule.objects.all()

    def get_queryset(self) -> Any:
        return schedules_visible(tenant=self.tenant)


class ScheduleDetailAPI(TenantScopedAPIMixin, generics.RetrieveUpdateDestroyAPIView):
    allowed_roles = PULSE_ROLES
    serializer_class = ScheduleSerializer
    queryset = PulseSchedule.objects.all()

    def get_queryset(self) -> Any:
        return schedules_visible(tenant=self.tenant)

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not schedule_can_manage(
            tenant=self.tenant, schedule=obj
        ):
            raise PermissionDenied("You can only change pulses for teams you lead.")

    def perform_destroy(self, instance: PulseSchedule) -> None:
        schedule_delete(schedule=instance, actor=self.request.user)


class RoundListAPI(TenantScopedAPIMixin, generics.ListCreateAPIView):
    """Rounds the user may see with participation; POST sends a one-off round now."""

    allowed_roles = PULSE_ROLES
    serializer_class = RoundSerializer
    queryset = PulseRound.objects.all()

    def get_queryset(self) -> Any:
        return rounds_visible(tenant=self.tenant)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rounds = list(page if page is not None else self.get_queryset())
        ctx = {
            **self.get_serializer_context(),
            "participation": participation_for_rounds(rounds=rounds, tenant=self.tenant),
        }
        data = RoundSerializer(rounds, many=True, context=ctx).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class RoundDetailAPI(TenantScopedAPIMixin, generics.RetrieveAPIView):
    allowed_roles = PULSE_ROLES
    serializer_class = RoundSerializer
    queryset = PulseRound.objects.all()

    def get_queryset(self) -> Any:
        return rounds_visible(tenant=self.tenant)
