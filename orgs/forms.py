"""Forms of the set-up pages: type checks only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.forms import form_choices_set
from orgs.importing import MAX_BYTES
from orgs.models import ApiTokenScope, Organization, ReportingPeriod, Role
from orgs.selectors import team_choices
from orgs.services import MAX_K, MIN_K, organization_validate


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    reporting_period = forms.ChoiceField(
        choices=ReportingPeriod.choices,
        help_text="Answers, check-ins and metrics are grouped by this period.",
    )
    anonymity_k = forms.IntegerField(
        label="Anonymity threshold (k)",
        # Range checked by the service (its message says why k is never below 3).
        widget=forms.NumberInput(attrs={"min": MIN_K, "max": MAX_K}),
        help_text=f"No result is shown for fewer than k respondents. At least {MIN_K}.",
    )
    comment_k = forms.IntegerField(
        required=False,  # left out: unchanged (API clients and older forms don't send it)
        label="Comment threshold",
        widget=forms.NumberInput(attrs={"min": MIN_K, "max": MAX_K}),
        help_text="Comments of a group are shown only when at least this many people of it "
        "answered. Never below k; 10 by default.",
    )
    time_zone = forms.CharField(
        max_length=64,
        help_text="An IANA time zone such as Europe/Berlin or America/Toronto.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    checkin_offsets_days = forms.CharField(
        label="Decision check-in offsets (days)",
        help_text="Days after a decision at which its stakeholders are asked, e.g. 7, 30.",
    )
    employees_can_log_decisions = forms.BooleanField(
        required=False, label="Employees can log decisions"
    )
    employees_see_team_results = forms.BooleanField(
        required=False,
        label="Employees see their own team's results",
        help_text="Still only for groups of at least k respondents.",
    )

    @classmethod
    def initial_for(cls, org: Organization) -> dict[str, Any]:
        return {
            "name": org.name,
            "reporting_period": org.reporting_period,
            "anonymity_k": org.anonymity_k,
            "comment_k": org.comment_k,
            "time_zone": org.time_zone,
            "checkin_offsets_days": ", ".join(str(d) for d in org.checkin_offsets_days),
            "employees_can_log_decisions": org.employees_can_log_decisions,
            "employees_see_team_results": org.employees_see_team_results,
        }

    def clean(self) -> dict[str, Any]:
        """Run the service's rules on every field that parsed, so all errors show at once."""
        cleaned = super().clean() or {}
        if cleaned.get("comment_k") is None:
            cleaned.pop("comment_k", None)
        try:
            organization_validate(**cleaned)
        except ValidationError as exc:
            apply_service_errors(self, exc)
        return cleaned

    def clean_checkin_offsets_days(self) -> list[int]:
        raw = self.cleaned_data["checkin_offsets_days"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError as exc:
            raise ValidationError("Whole numbers of days separated by commas, e.g. 7, 30.") from exc


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200)
    parent = forms.ChoiceField(
        required=False, label="Parent team", help_text="Leave empty for a top-level team."
    )

    def __init__(
        self, *args: Any, org: Organization, current: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every team is offered, also the team's own sub-teams: choosing one gets the
        # service's clear "that would make a cycle" message rather than a vanished option.
        form_choices_set(
            self,
            "parent",
            [
                ("", "— none (top level) —"),
                *team_choices(organization=org, keep=current),
            ],
        )


class PersonForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    team = forms.ChoiceField(required=False)
    external_id = forms.CharField(
        max_length=100, required=False, label="External id", help_text="The id in your HR system."
    )
    location = forms.CharField(max_length=100, required=False)
    tenure_band = forms.CharField(
        max_length=100, required=False, label="Tenure band", help_text="e.g. <1y, 1-3y, 3-5y, 5y+"
    )

    def __init__(
        self, *args: Any, org: Organization, current: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_choices_set(
            self,
            "team",
            [
                ("", "— no team —"),
                *team_choices(organization=org, keep=current),
            ],
        )


class PersonFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    team = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        required=False,
        choices=[("active", "Active"), ("inactive", "Deactivated"), ("all", "All")],
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choices_set(
            self,
            "team",
            [
                ("", "All teams"),
                *team_choices(organization=org, all_teams=True),
            ],
        )


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        help_text="The email of a person of your organization. A login is created if needed, "
        "and they get an email with a link to set their password."
    )
    # Least privilege first: granting admin must be a deliberate choice, never the default.
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EMPLOYEE)
    teams = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For leaders and facilitators: the teams (with their sub-teams) they cover.",
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = self.fields["teams"]
        assert isinstance(teams, forms.MultipleChoiceField)
        teams.choices = team_choices(organization=org)


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. 'HRIS sync'.")
    # Least privilege first: a token that may write must be asked for.
    scope = forms.ChoiceField(choices=ApiTokenScope.choices, initial=ApiTokenScope.READ)
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(30, "30 days"), (90, "90 days"), (365, "365 days")],
        coerce=int,
        initial=90,
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text=f"UTF-8, at most {MAX_BYTES // 1024 // 1024} MB."
    )


class ImportConfirmForm(forms.Form):
    preview_id = forms.CharField(widget=forms.HiddenInput)
    confirm_deactivation = forms.BooleanField(
        required=False,
        label="Yes, deactivate everyone listed below who is missing from the file",
    )
