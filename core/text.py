"""Counts in words for messages people read: "1 team", "2 teams", never "1 teams"."""

from __future__ import annotations

from django.utils.translation import ngettext


def count_text(n: int, singular: str, plural: str | None = None) -> str:
    """`n` with the noun in the form its number needs (plural defaults to singular + "s")."""
    return f"{n} {ngettext(singular, plural or singular + 's', n)}"
