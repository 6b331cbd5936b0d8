"""API query filters shared by the apps' FilterSets."""

from __future__ import annotations

import django_filters
from django import forms

# The largest id any of our databases stores (64-bit signed): past it SQLite raised an
# OverflowError (a 500) on `?team=2.6e+31`; django-filter's NumberFilter took it as a decimal.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object id in a query parameter: a whole number from 1 to MAX_ID, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
