"""API serializers of the organization set-up: shape and type checks; rules are in services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from orgs.models import Membership, Organization, Person, Role, Team
from orgs.services import organization_validate
from orgs.tenancy import scoped


class TenantTeamField(serializers.PrimaryKeyRelatedField):
    """A team id of the request's organization only: another org's id reads as "does not exist"."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "No such team: {pk_value}.",
    }

    def get_queryset(self) -> Any:
        tenant = self.context.get("tenant")
        return scoped(Team, tenant.org if tenant is not None else None)


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "reporting_period",
            "anonymity_k",
            "time_zone",
            "checkin_offsets_days",
            "employees_can_log_decisions",
            "employees_see_team_results",
        ]
        read_only_fields = ["slug"]

    checkin_offsets_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365),
        min_length=1,
        max_length=6,
        help_text="Days after a decision at which its stakeholders get a check-in.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The rules (k never below 3, a real IANA zone, …) are the service's; ask it here so
        # the answer is a 400 naming the field before anything is written.
        try:
            return organization_validate(**attrs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc


class TeamSerializer(serializers.ModelSerializer):
    # The API's field is called "parent", which shadows Field.parent in the stubs' view.
    parent = TenantTeamField(allow_null=True, required=False)  # type: ignore[assignment]

    class Meta:
        model = Team
        fields = ["id", "name", "parent", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]
        # Uniqueness (case-insensitive) is checked by the service; skip DRF's own check.
        validators: list[Any] = []


class PersonSerializer(serializers.ModelSerializer):
    team = TenantTeamField(allow_null=True, required=False)
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=100, allow_blank=True),
        required=False,
        help_text='Filter attributes, e.g. {"location": "Berlin", "tenure_band": "1-3y"}.',
    )
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "email",
            "team",
            "external_id",
            "attributes",
            "is_active",
            "has_login",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []

    def get_has_login(self, obj: Person) -> bool:
        return obj.user_id is not None


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(
        write_only=True,
        required=False,
        help_text="On create: the email of a person of the organization (a login is made if needed).",
    )
    username = serializers.CharField(source="user.get_username", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)
    teams = TenantTeamField(many=True, required=False)

    class Meta:
        model = Membership
        fields = ["id", "email", "user", "username", "user_email", "role", "teams", "created_at"]
        read_only_fields = ["id", "user", "created_at"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("email"):
            raise serializers.ValidationError({"email": ["This field is required."]})
        if self.instance is not None and "role" in attrs and attrs["role"] != self.instance.role:
            raise serializers.ValidationError(
                {"role": ["A role cannot be changed; revoke it and grant the other one."]}
            )
        return attrs
