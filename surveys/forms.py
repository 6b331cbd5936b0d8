"""Forms of the pulse pages (schedule, one-off round); the survey page parses its POST by hand."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import form_queryset_set
from orgs.models import Team
from orgs.tenancy import Tenant
from surveys.models import Cadence
from surveys.selectors import team_choices
from surveys.selectors_questions import round_question_range

WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class _QuestionsMixin(forms.Form):
    """A question count bounded by what the rotation really asks with the org's rubric."""

    questions_field = ""

    def _questions_setup(self, tenant: Tenant) -> None:
        self.question_range = rng = round_question_range(organization=tenant.org)
        field = self.fields[self.questions_field]
        field.widget.attrs.update({"min": rng.low, "max": rng.high})
        field.help_text = rng.help_text
        field.initial = min(max(8, rng.low), rng.high)

    def _questions_clean(self) -> int:
        value: int = self.cleaned_data[self.questions_field]
        if not self.question_range.low <= value <= self.question_range.high:
            raise forms.ValidationError(self.question_range.error)
        return value


class _TeamsForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),  # set per user in __init__
        widget=forms.CheckboxSelectMultiple,
        help_text="Each team includes its sub-teams.",
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_queryset_set(self, "teams", team_choices(tenant=tenant))


class ScheduleForm(_TeamsForm, _QuestionsMixin):
    questions_field = "questions_per_round"
    name = forms.CharField(max_length=200)
    cadence = forms.ChoiceField(choices=Cadence.choices, initial=Cadence.MONTHLY)
    questions_per_round = forms.IntegerField()  # bounds: per rubric, in __init__
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

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self._questions_setup(tenant)

    def clean_questions_per_round(self) -> int:
        return self._questions_clean()


class RoundSendForm(_TeamsForm, _QuestionsMixin):
    questions_field = "questions"
    title = forms.CharField(max_length=200, required=False, help_text="Optional.")
    questions = forms.IntegerField()  # bounds: per rubric, in __init__
    open_days = forms.IntegerField(min_value=1, max_value=28, initial=5, label="Days open")

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self._questions_setup(tenant)

    def clean_questions(self) -> int:
        return self._questions_clean()
