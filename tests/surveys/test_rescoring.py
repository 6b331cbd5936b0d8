"""The minute tick never scores an open round; it rescores a closed round that got late answers.

Results are released from closed rounds only (docs/privacy.md): an open round is scored
once, at its close. Before issue 9 the tick rescored open rounds answered today (and these
tests pinned that, in the org's time zone); that behaviour is gone on purpose.
"""

from __future__ import annotations

from scoring.models import TrustIndexSnapshot
from surveys.models import Invitation, PendingResponse, PulseRound, RoundStatus
from surveys.services.responses import response_submit, responses_flush
from surveys.services.rounds import round_close, rounds_tick
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class OpenRoundsAreNotScoredTests(BaseTestCase):
    def answer(self, rnd: PulseRound, value: int = 4) -> None:
        items = list(rnd.items.all())
        for inv in Invitation.objects.filter(round=rnd, used=False):
            response_submit(token=token_of(inv), answers={i.key: value for i in items})

    def test_tick_does_not_score_an_open_round_that_received_answers(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        self.answer(rnd)
        responses_flush(round_id=rnd.pk)  # k answers: written to the response tables

        with self.captureOnCommitCallbacks(execute=True):
            assert rounds_tick()["rescored"] == 0
        assert not TrustIndexSnapshot.objects.filter(organization=self.org).exists()

        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=rnd.pk)
        snap = TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales)
        assert snap.n == 5  # scored at the close

    def test_a_closed_round_that_got_late_buffered_answers_is_rescored(self) -> None:
        add_people(self.org, self.sales, 6)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        self.answer(rnd)
        responses_flush(round_id=rnd.pk)  # six answers, one group of ≥ k: all written
        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=rnd.pk)
        assert TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales).n == 6

        # An answer that raced the close: buffered while open, the round closed meanwhile.
        [person] = add_people(self.org, self.sales, 1, prefix="late")
        with self.captureOnCommitCallbacks(execute=True):
            other = open_round(self.org, [self.sales])
        inv = Invitation.objects.get(round=other, person=person)
        response_submit(token=token_of(inv), answers={i.key: 2 for i in other.items.all()})
        PendingResponse.objects.filter(round=other).update(round=rnd, period=rnd.period)
        assert PulseRound.objects.get(pk=rnd.pk).status == RoundStatus.CLOSED

        with self.captureOnCommitCallbacks(execute=True):
            assert rounds_tick()["rescored"] == 1
        assert not PendingResponse.objects.filter(round=rnd).exists()
        assert TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales).n == 7
