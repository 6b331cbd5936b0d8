"""What a person's erasure would take out of the decision register, in words (reads only)."""

from __future__ import annotations

from django.utils.translation import ngettext

from decisions.models import CheckInInvitation, Decision
from orgs.models import Person


def person_decision_summary(person: Person) -> list[str]:
    """Decisions' lines of the delete confirmation: what `person_decision_erase` would delete
    (check-in invitations) or unlink (ownership, stakeholder places); none for what is absent."""
    invitations = CheckInInvitation.objects.filter(person=person).count()
    owned = Decision.objects.filter(owner=person).count()
    asked = Decision.stakeholders.through.objects.filter(person_id=person.pk).count()
    lines = []
    if invitations:
        lines.append(
            ngettext(
                "%(n)d decision check-in invitation",
                "%(n)d decision check-in invitations",
                invitations,
            )
            % {"n": invitations}
        )
    if owned:
        lines.append(
            ngettext(
                "their ownership of %(n)d decision (the decision stays, without an owner)",
                "their ownership of %(n)d decisions (the decisions stay, without an owner)",
                owned,
            )
            % {"n": owned}
        )
    if asked:
        lines.append(
            ngettext(
                "their place among the stakeholders of %(n)d decision",
                "their place among the stakeholders of %(n)d decisions",
                asked,
            )
            % {"n": asked}
        )
    return lines
