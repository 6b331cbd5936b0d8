"""GDPR erasure of one person's pulse invitations (surveys' part of the erase)."""

from __future__ import annotations

from orgs.models import Person
from surveys.models import Invitation


def person_invitations_erase(person: Person) -> dict[str, int]:
    """Delete the person's pulse invitations; anonymous responses stay (they never named them)."""
    deleted, _ = Invitation.objects.filter(person=person).delete()
    return {"invitations_deleted": deleted}
