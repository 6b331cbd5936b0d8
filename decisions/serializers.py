"""API serializers of decisions: shape and field validation only; rules live in services."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import serializers

from core.constants import ANSWER_MAX, ANSWER_MIN
from decisions.models import (
    CONTEXT_MAX_LENGTH,
    Acted,
    Decision,
    DecisionSource,
    DecisionStabilitySnapshot,
    DecisionStatus,
    DecisionStatusChange,
    Rediscussed,
)
from orgs.models import Person, Team
from orgs.tenancy import scoped


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None, read_only=True)
    # Plain strings: the same choices as Decision.status (one enum in the schema, not three).
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    is_reopening = serializers.BooleanField(read_only=True)

    class Meta:
        model = DecisionStatusChange
        fields = ["from_status", "to_status", "changed_by", "changed_at", "note", "is_reopening"]


class DecisionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    affected_teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), many=True, required=False
    )
    stakeholders = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), many=True, required=False
    )
    superseded_by = serializers.PrimaryKeyRelatedField(
        queryset=Decision.objects.none(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=DecisionStatus.choices, required=False)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named source
        choices=DecisionSource.choices, required=False
    )
    note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the status changed (kept in the status history).",
    )
    history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "title",
            "context",
            "owner",
            "affected_teams",
            "stakeholders",
            "decided_on",
            "status",
            "superseded_by",
            "source",
            "note",
            "created_at",
            "updated_at",
            "history",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "history"]
        # In Meta, not as a declared field: a field attribute named `context` would hide
        # the serializer's own `context` from type checkers.
        extra_kwargs = {
            "context": {
                "max_length": CONTEXT_MAX_LENGTH,
                "help_text": f"What was decided and why (at most {CONTEXT_MAX_LENGTH} characters).",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tenant = self.context.get("tenant")
        org = tenant.org if tenant else None
        fields = cast(dict[str, Any], self.fields)  # the stubs type them as plain Fields
        fields["owner"].queryset = scoped(Person, org)
        fields["stakeholders"].child_relation.queryset = scoped(Person, org)
        fields["affected_teams"].child_relation.queryset = scoped(Team, org)
        fields["superseded_by"].queryset = scoped(Decision, org)


class DecisionResultsSerializer(serializers.Serializer):
    decision_id = serializers.IntegerField()
    suppressed = serializers.BooleanField()
    reason = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    stability_pct = serializers.FloatField(allow_null=True)
    stability_lo = serializers.FloatField(allow_null=True)
    stability_hi = serializers.FloatField(allow_null=True)
    action_pct = serializers.FloatField(allow_null=True)
    action_lo = serializers.FloatField(allow_null=True)
    action_hi = serializers.FloatField(allow_null=True)
    wait_pct = serializers.FloatField(allow_null=True)
    wait_lo = serializers.FloatField(allow_null=True)
    wait_hi = serializers.FloatField(allow_null=True)
    circling_pct = serializers.FloatField(allow_null=True)
    circling_lo = serializers.FloatField(allow_null=True)
    circling_hi = serializers.FloatField(allow_null=True)
    lag_median_days = serializers.FloatField(allow_null=True)
    reopen_count = serializers.IntegerField()
    # Figures hidden inside a shown decision (fewer than k answers to that question; the lag
    # of fewer than k decisions), figure -> reason in words.
    hidden = serializers.DictField(child=serializers.CharField(), required=False)


class AtRiskSerializer(DecisionResultsSerializer):
    title = serializers.CharField(source="decision.title")
    risk_score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class StabilityCellSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    team_name = serializers.SerializerMethodField()

    class Meta:
        model = DecisionStabilitySnapshot
        fields = [
            "source",
            "team",
            "team_name",
            "period",
            "suppressed",
            "reason",
            "n",
            "stability_pct",
            "stability_lo",
            "stability_hi",
            "action_pct",
            "action_lo",
            "action_hi",
            "wait_pct",
            "wait_lo",
            "wait_hi",
            "circling_pct",
            "circling_lo",
            "circling_hi",
            "lag_median_days",
            "lag_decisions",
            "lag_waiting",
            "reopen_count",
        ]

    def get_source(self, obj: DecisionStabilitySnapshot) -> str:
        return "Decision check-ins"

    def get_team_name(self, obj: DecisionStabilitySnapshot) -> str:
        return obj.team.name if obj.team is not None else "Whole organization"


class CheckInAnswerSerializer(serializers.Serializer):
    """Declared for the schema; the service validates (same rules as the page)."""

    holding = serializers.IntegerField(
        min_value=ANSWER_MIN, max_value=ANSWER_MAX, required=False, allow_null=True
    )
    acted = serializers.ChoiceField(choices=Acted.choices)
    rediscussed = serializers.ChoiceField(choices=Rediscussed.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CheckInQuestionSerializer(serializers.Serializer):
    decision_title = serializers.CharField()
    decision_status = serializers.CharField()
    offset_days = serializers.IntegerField()
    acted_choices = serializers.DictField(child=serializers.CharField())
    rediscussed_choices = serializers.DictField(child=serializers.CharField())
