"""Form helpers shared by every app: per-request querysets and choices, typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet


def form_queryset_set(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Limit a model choice field to `queryset` (e.g. the user's own org's rows)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):  # also ModelMultipleChoiceField
        raise TypeError(f"field {name!r} is not a model choice field")
    field.queryset = queryset


def form_choices_set(form: forms.BaseForm, name: str, choices: Iterable[Any]) -> None:
    """Replace the choices of a choice field (built per request, e.g. the org's teams)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"field {name!r} is not a choice field")
    field.choices = list(choices)
