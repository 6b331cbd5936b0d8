"""Handoffs' part of a person's GDPR export and erasure: handoffs naming them, check-ins asked.

The answers carry no person and are never touched. Erasure deletes the person's check-in
rows and blanks them on the handoff events (the handoff stays: it is the teams' work).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from handoffs.models import HandoffCheckIn, HandoffEvent
from orgs.models import Person


def _events(person: Person) -> Any:
    return HandoffEvent.objects.filter(Q(from_person=person) | Q(to_person=person))


def person_handoff_data(person: Person) -> dict[str, Any]:
    """The handoffs the person handed over or received, and the check-ins they were sent."""
    events = [
        {
            "item": e.item_ref,
            "source": e.source,
            "at": e.at.isoformat(),
            "side": "sender" if e.from_person_id == person.pk else "receiver",
        }
        for e in _events(person).order_by("at")
    ]
    asked = HandoffCheckIn.objects.filter(person=person).count()
    out: dict[str, Any] = {}
    if events:
        out["handoffs"] = events
    if asked:
        out["handoff_checkins_asked"] = asked
    return out


def person_handoff_erase(person: Person) -> dict[str, int]:
    checkins, _ = HandoffCheckIn.objects.filter(person=person).delete()
    sent = HandoffEvent.objects.filter(from_person=person).update(from_person=None)
    received = HandoffEvent.objects.filter(to_person=person).update(to_person=None)
    return {"handoff_checkins": checkins, "handoff_events_unlinked": sent + received}


def person_handoff_summary(person: Person) -> list[str]:
    lines = []
    n = _events(person).count()
    if n:
        lines.append(
            ngettext(
                "their name on %(n)d handoff (the handoff stays, without them)",
                "their name on %(n)d handoffs (the handoffs stay, without them)",
                n,
            )
            % {"n": n}
        )
    c = HandoffCheckIn.objects.filter(person=person).count()
    if c:
        lines.append(ngettext("%(n)d handoff check-in", "%(n)d handoff check-ins", c) % {"n": c})
    return lines
