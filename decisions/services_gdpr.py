"""GDPR erasure of one person's rows in the decision register (decisions' part of the erase)."""

from __future__ import annotations

from decisions.models import CheckInInvitation, Decision
from orgs.models import Person


def person_decision_erase(person: Person) -> dict[str, int]:
    """Delete the person's check-in invitations and unlink them from decisions.

    The decisions themselves stay (they belong to the organization); only the person is
    taken off them. Check-in answers are untouched: they never named the person.
    """
    invitations, _ = CheckInInvitation.objects.filter(person=person).delete()
    owned = Decision.objects.filter(owner=person).update(owner=None)
    through = Decision.stakeholders.through
    stakeholder, _ = through.objects.filter(person_id=person.pk).delete()
    return {
        "checkin_invitations_deleted": invitations,
        "decisions_unowned": owned,
        "stakeholder_of_removed": stakeholder,
    }
