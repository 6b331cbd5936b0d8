"""Attack 3 of issue 9 (over time): read the results, let answers arrive, read again.

"Reading Discovery at n = 5, then at n = 6 after one more answer, gives that person's six
dimension scores exactly." Results come from closed rounds only: while a round is open,
whatever arrives in it (flushed batches, the minute tick, a recompute for any other reason)
changes no released number, so two reads around an answer are identical.
"""

from __future__ import annotations

from typing import Any

from scoring.services import snapshot_recompute
from surveys.models import Invitation, PulseRound, Response
from surveys.services.responses import response_submit, responses_flush
from surveys.services.rounds import round_close, rounds_tick
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class OpenRoundReadsTests(BaseTestCase):
    def answer(self, rnd: PulseRound, people: list[Any], value: int) -> None:
        items = list(rnd.items.all())
        for inv in Invitation.objects.filter(round=rnd, person__in=people):
            response_submit(token=token_of(inv), answers={i.key: value for i in items})
        responses_flush(round_id=rnd.pk)

    def read(self) -> list[dict]:
        self.login(self.owner)
        data = self.client.get("/api/v1/results/").json()
        return sorted(data["results"], key=lambda r: (r["team_id"], r["period"]))

    def test_answers_to_an_open_round_change_no_released_number(self) -> None:
        first = add_people(self.org, self.sales, 5, prefix="first")
        with self.captureOnCommitCallbacks(execute=True):
            closed = open_round(self.org, [self.sales])
        self.answer(closed, first, 4)
        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=closed.pk)

        # A second round of the same period opens; the first read is taken now.
        later = add_people(self.org, self.sales, 5, prefix="later")
        with self.captureOnCommitCallbacks(execute=True):
            still_open = open_round(self.org, [self.sales])
        assert still_open.period == closed.period
        before = self.read()
        assert any(not r["trust_index"]["suppressed"] for r in before)  # something is shown

        # Five more people answer (a batch of k is written), the tick runs, and a
        # recompute happens for some other reason (a team renamed, a command): nothing moves.
        self.answer(still_open, later, 1)
        assert Response.objects.filter(round=still_open).count() == 5
        with self.captureOnCommitCallbacks(execute=True):
            rounds_tick()
        snapshot_recompute(org_id=self.org.pk)
        assert self.read() == before

        # At the close the round is released, and only then do the numbers change.
        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=still_open.pk)
        assert self.read() != before
