"""Forms of the pulse pages (schedule, one-off round); the survey page parses its POST by hand."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import form_queryset_set
from orgs.models import Team
from orgs.tenancy import Tenant
from surveys.models import Cadence
from surveys.selectors import team_choices

WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class _TeamsForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),  # set per user in __init__
        widget=forms.CheckboxSelectMultiple,
        help_text="Each team includes its sub-teams.",
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_queryset_set(self, "teams", team_choices(tenant=tenant))


class ScheduleForm(_TeamsForm):
    name = forms.CharField(max_length=200)
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.MONTHLY)
    questions_per_round = forms.IntegerField(
        min_value=6,
        max_value=10,
        initial=8,
        help_text="6 to 10; every dimension gets at least one.",
    )
    open_days = forms.IntegerField(min_value=1, max_value=28, initial=5, label="Days open")
    send_weekday = forms.TypedChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        initial=0,
        label="Opens on",
        help_text="Monthly: the first such weekday of the month.",
    )
    send_hour = forms.IntegerField(
        min_value=0, max_value=23, initial=9, label="At hour (org time zone)"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")


class RoundSendForm(_TeamsForm):
    title = forms.CharField(max_length=200, required=False, help_text="Optional.")
    questions = forms.IntegerField(min_value=6, max_value=10, initial=8)
    open_days = forms.IntegerField(min_value=1, max_value=28, initial=5, label="Days open")
