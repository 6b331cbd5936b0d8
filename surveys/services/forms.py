"""Handing out rotation forms: the next form number of the org's rubric, in opening order.

Why at opening, not per invitation: the set of statements a response answers identifies its
form, so forms pre-assigned to invitations (stored, or derivable from the link) would narrow
a response down to the few invitees holding that form. A counter of forms handed out stores
no person and no time; the number travels in the page (or API client) to the submission.
Why a counter continued across rounds: consecutive forms are what make every pair of a
dimension's statements co-answered (surveys/rotation.py guarantee 3) within a period.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from surveys.models import FormCounter, PulseRound


def round_form_hand_out(*, round: PulseRound) -> int | None:
    """The next form number for one person opening `round` (None: the round has no forms)."""
    if round.questions is None:
        return None
    with transaction.atomic():
        counter, _ = FormCounter.objects.select_for_update().get_or_create(
            organization_id=round.organization_id, rubric_id=round.rubric_id
        )
        FormCounter.objects.filter(pk=counter.pk).update(next_form=F("next_form") + 1)
    return int(counter.next_form)


def form_counter_advance(*, round: PulseRound, forms: int) -> int:
    """Reserve `forms` consecutive form numbers at once (the demo seeder); returns the first."""
    with transaction.atomic():
        counter, _ = FormCounter.objects.select_for_update().get_or_create(
            organization_id=round.organization_id, rubric_id=round.rubric_id
        )
        FormCounter.objects.filter(pk=counter.pk).update(next_form=F("next_form") + forms)
    return int(counter.next_form)
