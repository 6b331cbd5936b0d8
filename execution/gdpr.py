"""Execution's part of a person's GDPR export and erasure: work items naming them as assignee.

Work items carry the assignee as the source tool wrote it (a name or an email); a person is
matched on either, case-insensitively. Erasure blanks the assignee on their items and in the
assignee changes of the history; the items stay (they are the team's work, not the person's).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import ngettext

from execution.models import EventField, WorkItem, WorkItemEvent
from orgs.models import Person


def _names(person: Person) -> list[str]:
    return [v for v in {person.email.strip(), person.name.strip()} if v]


def _items(person: Person) -> QuerySet[WorkItem]:
    q = Q()
    for v in _names(person):
        q |= Q(assignee__iexact=v)
    return (
        WorkItem.objects.filter(q, organization_id=person.organization_id)
        if q
        else WorkItem.objects.none()
    )


def _events(person: Person) -> tuple[QuerySet[WorkItemEvent], QuerySet[WorkItemEvent]]:
    base = WorkItemEvent.objects.filter(
        organization_id=person.organization_id, field=EventField.ASSIGNEE
    )
    q_from, q_to = Q(), Q()
    for v in _names(person):
        q_from |= Q(from_value__iexact=v)
        q_to |= Q(to_value__iexact=v)
    if not _names(person):
        return base.none(), base.none()
    return base.filter(q_from), base.filter(q_to)


def person_execution_data(person: Person) -> dict[str, Any]:
    """The work items assigned to the person (as the export named them)."""
    items = [
        {
            **row,
            "created_at": row["created_at"].isoformat() if row["created_at"] else None,
            "done_at": row["done_at"].isoformat() if row["done_at"] else None,
        }
        for row in _items(person).values(
            "source", "item_id", "title", "status", "created_at", "done_at"
        )
    ]
    return {"execution_work_items": items} if items else {}


def person_execution_erase(person: Person) -> dict[str, int]:
    """Blank the person as assignee of work items and in the history's assignee changes."""
    items = _items(person).update(assignee="")
    ev_from, ev_to = _events(person)
    changes = ev_from.update(from_value="") + ev_to.update(to_value="")
    return {"work_items_unassigned": items, "assignee_changes_blanked": changes}


def person_execution_summary(person: Person) -> list[str]:
    n = _items(person).count()
    if not n:
        return []
    return [
        ngettext(
            "their name as assignee of %(n)d imported work item (the item stays)",
            "their name as assignee of %(n)d imported work items (the items stay)",
            n,
        )
        % {"n": n}
    ]
