"""DRF serializers of the execution API: the shape of bulk observations and work items."""

from __future__ import annotations

from rest_framework import serializers

from execution.metric_defaults import METRIC_CODES
from execution.models import EventField

MAX_ROWS = 5000  # per request; a nightly job sends more in several requests


class ObservationInSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="id of one of your teams (GET /api/v1/teams/)")
    period = serializers.CharField(
        max_length=20,
        help_text="period label (2026-11, 2026-W47) or the period's first day (YYYY-MM-DD)",
    )
    metric = serializers.ChoiceField(choices=list(METRIC_CODES), help_text="metric code")
    value = serializers.FloatField()


class ObservationsInSerializer(serializers.Serializer):
    observations = ObservationInSerializer(many=True, max_length=MAX_ROWS, allow_empty=False)  # type: ignore[call-arg]


class EventInSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=EventField.values)
    from_value = serializers.CharField(
        max_length=254, required=False, allow_blank=True, allow_null=True
    )
    to_value = serializers.CharField(
        max_length=254, required=False, allow_blank=True, allow_null=True
    )
    at = serializers.DateTimeField()


class WorkItemInSerializer(serializers.Serializer):
    item_id = serializers.CharField(max_length=200)
    team = serializers.IntegerField(help_text="id of one of your teams")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    status = serializers.CharField(max_length=200, help_text="the tool's raw status name")
    assignee = serializers.CharField(
        max_length=254, required=False, allow_blank=True, allow_null=True
    )
    created_at = serializers.DateTimeField(required=False, allow_null=True)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    done_at = serializers.DateTimeField(required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    canceled_at = serializers.DateTimeField(required=False, allow_null=True)
    events = EventInSerializer(many=True, required=False, default=list)


class WorkItemsInSerializer(serializers.Serializer):
    source = serializers.RegexField(  # type: ignore[assignment]
        r"^[a-z][a-z0-9_-]{0,19}$", help_text="the tool, e.g. jira, linear, github, api"
    )
    items = WorkItemInSerializer(many=True, max_length=MAX_ROWS, allow_empty=False)  # type: ignore[call-arg]


class ObservationsOutSerializer(serializers.Serializer):
    observations = serializers.IntegerField(help_text="values stored (new or updated)")


class WorkItemsOutSerializer(serializers.Serializer):
    items = serializers.IntegerField(help_text="work items stored (new or updated)")
    new_events = serializers.IntegerField(
        help_text="events not seen before (re-sent ones are ignored)"
    )
    derived = serializers.IntegerField(help_text="derived flow-metric values after this request")
