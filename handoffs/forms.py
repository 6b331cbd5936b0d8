"""The one-screen hand-off form: what, to whom, when (for work that lives in no tool)."""

from __future__ import annotations

from typing import Any

from django import forms

from orgs.models import Person


class HandoffForm(forms.Form):
    item = forms.CharField(
        label="What did you hand over?", max_length=200, help_text="An issue key or a short title."
    )
    to_person = forms.ModelChoiceField(label="To whom?", queryset=Person.objects.none())
    at = forms.DateTimeField(
        label="When?",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now.",
    )
    link = forms.URLField(
        label="Link (optional)", required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
