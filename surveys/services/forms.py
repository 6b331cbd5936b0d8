"""Handing out rotation forms: the next form number of the org's rubric, in opening order.

Why at opening, not per invitation: the set of statements a response answers identifies its
form, so forms pre-assigned to invitations (stored, or derivable from the link) would narrow
a response down to the few invitees holding that form. A counter of forms handed out stores
no person and no time; the number travels in the page (or API client) to the submission.
Why a counter continued across rounds: consecutive forms are what make every pair of a
dimension's statements co-answered (surveys/rotation.py guarantee 3) within a period.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from core.db import write_transaction_run
from surveys.models import FormCounter, PulseRound
from surveys.services.writer import survey_writer_turn


def round_form_hand_out(*, round: PulseRound) -> int | None:
    """The next form number for one person opening `round` (None: the round has no forms)."""
    if round.questions is None:
        return None
    return form_counter_advance(round=round, forms=1)


def form_counter_advance(*, round: PulseRound, forms: int) -> int:
    """Reserve `forms` consecutive form numbers at once; returns the first.

    A burst of people opening links (12 at once on `make run`) made SQLite refuse some
    counter writes with "database is locked" (a 500 on the landing page and the API): the
    hand-out takes the survey writers' turn (threads and processes queue on it instead of
    on SQLite's lock) and its transaction is run again while SQLite still says "locked"
    (core/db.py). Numbers stay unique and consecutive: read and bump in one transaction.
    """

    def bump() -> int:
        counter, _ = FormCounter.objects.select_for_update().get_or_create(
            organization_id=round.organization_id, rubric_id=round.rubric_id
        )
        FormCounter.objects.filter(pk=counter.pk).update(next_form=F("next_form") + forms)
        return int(counter.next_form)

    if connection.in_atomic_block:  # the seeder's transaction: it already holds the lock
        return write_transaction_run(bump)
    with survey_writer_turn():
        return write_transaction_run(bump)
