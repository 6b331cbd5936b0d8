"""API shapes of handoffs: one handoff in, the stored event out; a pair's figures out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from handoffs.models import HandoffEvent


class HandoffInSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(max_length=200)
    at = serializers.DateTimeField(required=False)
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    from_person = serializers.CharField(
        required=False, allow_blank=True, help_text="Email, person id or exact name."
    )
    to_person = serializers.CharField(required=False, allow_blank=True)
    from_team = serializers.CharField(
        required=False, allow_blank=True, help_text="Team id, name or alias; default: the person's."
    )
    to_team = serializers.CharField(required=False, allow_blank=True)


class HandoffOutSerializer(serializers.ModelSerializer[HandoffEvent]):
    created = serializers.SerializerMethodField()

    class Meta:
        model = HandoffEvent
        fields = [
            "id",
            "source",
            "item_ref",
            "link",
            "from_person",
            "to_person",
            "from_team",
            "to_team",
            "at",
            "created",
        ]

    def get_created(self, obj: HandoffEvent) -> bool:
        return bool(self.context.get("created"))


class HandoffPairSerializer(serializers.Serializer[Any]):
    period = serializers.DateField()
    from_team = serializers.IntegerField()
    to_team = serializers.IntegerField()
    from_name = serializers.CharField()
    to_name = serializers.CharField()
    suppressed = serializers.BooleanField()
    reason = serializers.CharField()
    senders = serializers.IntegerField(allow_null=True)
    receivers = serializers.IntegerField(allow_null=True)
    sender_score = serializers.FloatField(allow_null=True)
    sender_fav_pct = serializers.FloatField(allow_null=True)
    receiver_score = serializers.FloatField(allow_null=True)
    receiver_fav_pct = serializers.FloatField(allow_null=True)
    chase_pct = serializers.FloatField(allow_null=True)
    chase_several_pct = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)
    system_count = serializers.IntegerField(allow_null=True)
    median_wait_days = serializers.FloatField(allow_null=True)
    recorded = serializers.IntegerField()
    plays_url = serializers.CharField()
