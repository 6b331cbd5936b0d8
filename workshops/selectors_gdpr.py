"""What workshops store about a person (GDPR access request and erase summary)."""

from __future__ import annotations

from typing import Any

from workshops.models_commitments import Commitment, FollowUpLink


def person_workshop_data(person: Any) -> dict[str, Any]:
    """The commitments the person owns and the follow-up questions they were sent (never
    their anonymous answers: nothing links those to them)."""
    owned = Commitment.objects.filter(owner=person).select_related("workshop")
    return {
        "workshop_commitments": [
            {
                "workshop": c.workshop.title,
                "what": c.what,
                "due_on": c.due_on.isoformat(),
                "status": c.status,
            }
            for c in owned
        ],
        "workshop_followup_questions": [
            {
                "commitment": link.commitment.what,
                "sent": link.sent_at is not None,
                "answered": link.used,
            }
            for link in FollowUpLink.objects.filter(person=person).select_related("commitment")
        ],
    }


def person_workshop_summary(person: Any) -> list[str]:
    out = []
    owned = Commitment.objects.filter(owner=person).count()
    if owned:
        out.append(f"{owned} workshop commitment{'s' if owned != 1 else ''} (kept, unowned)")
    links = FollowUpLink.objects.filter(person=person).count()
    if links:
        out.append(f"{links} “did this happen?” question{'s' if links != 1 else ''}")
    return out
