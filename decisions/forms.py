"""Forms of the decision register and the check-in page (choices always scoped to the org)."""

from __future__ import annotations

from typing import Any

from django import forms

from core.constants import ANSWER_SCALE
from core.forms import form_queryset_set
from decisions.models import (
    CONTEXT_MAX_LENGTH,
    Acted,
    Decision,
    DecisionSource,
    DecisionStatus,
    Rediscussed,
)
from decisions.permissions import decisions_readable, loggable_team_ids
from orgs.models import Person, Team
from orgs.tenancy import Tenant, scoped


class DecisionChoiceField(forms.ModelChoiceField):
    """A decision picked by title: several share one (a plan re-decided each quarter), so each
    option also says when it was decided and its number."""

    def label_from_instance(self, obj: Any) -> str:
        when = f", decided {obj.decided_on:%d %b %Y}"
        return f"{obj.title} (#{obj.pk}{when})"


class DecisionForm(forms.Form):
    title = forms.CharField(max_length=200)
    context = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=CONTEXT_MAX_LENGTH,
        help_text="What was decided and why, in a few sentences.",
    )
    decided_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    affected_teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        help_text="Everyone active in these teams (and their sub-teams) gets the check-ins.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    stakeholders = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        help_text="Further people to ask, in addition to the affected teams.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    status = forms.ChoiceField(choices=DecisionStatus.choices, initial=DecisionStatus.DECIDED)
    superseded_by = DecisionChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        help_text="Only for status “superseded”: the decision that replaces this one.",
    )
    source = forms.ChoiceField(choices=DecisionSource.choices, initial=DecisionSource.LOGGED)
    note = forms.CharField(
        max_length=500, required=False, help_text="Why the status changed (kept in the history)."
    )

    def __init__(self, *args: Any, tenant: Tenant, instance: Decision | None = None, **kw: Any):
        super().__init__(*args, **kw)
        org = tenant.org
        people = scoped(Person, org).filter(is_active=True).order_by("name")
        form_queryset_set(self, "owner", people)
        form_queryset_set(self, "stakeholders", people)
        teams = scoped(Team, org).order_by("name")
        allowed = loggable_team_ids(tenant)
        if allowed is not None:
            teams = teams.filter(pk__in=allowed)
        form_queryset_set(self, "affected_teams", teams)
        # Only decisions the user may read: titles of other teams' decisions stay private.
        others = decisions_readable(tenant).order_by("-decided_on")
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        form_queryset_set(self, "superseded_by", others)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=DecisionStatus.choices)
    superseded_by = DecisionChoiceField(queryset=Decision.objects.none(), required=False)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, tenant: Tenant, instance: Decision, **kw: Any):
        super().__init__(*args, **kw)
        form_queryset_set(
            self,
            "superseded_by",
            decisions_readable(tenant).exclude(pk=instance.pk).order_by("-decided_on"),
        )


# The same direction as the pulse survey (1 = strongly disagree first, then "don't know"):
# the check-in page renders these, so both scales read the same way.
AGREE_LABELS = ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree")
HOLDING_CHOICES = [
    *((str(v), label) for v, label in zip(ANSWER_SCALE, AGREE_LABELS, strict=True)),
    ("", "Don't know / skip"),
]


class CheckInForm(forms.Form):
    """Only used to render; the service validates (one set of rules for page and API)."""

    holding = forms.ChoiceField(choices=HOLDING_CHOICES, widget=forms.RadioSelect, required=False)
    acted = forms.ChoiceField(choices=Acted.choices, widget=forms.RadioSelect)
    rediscussed = forms.ChoiceField(choices=Rediscussed.choices, widget=forms.RadioSelect)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
