"""Erasing a person from workshops: commitments lose their owner, follow-up links go."""

from __future__ import annotations

from typing import Any

from workshops.models_commitments import Commitment, FollowUpLink


def person_workshop_erase(person: Any) -> dict[str, int]:
    unowned = Commitment.objects.filter(owner=person).update(owner=None)
    links, _ = FollowUpLink.objects.filter(person=person).delete()
    return {"workshop_commitments_unowned": unowned, "workshop_followup_links": links}
