"""Answers arriving in an open round are rescored by the minute tick, not only at close."""

from __future__ import annotations

from scoring.models import TrustIndexSnapshot
from surveys.models import Invitation
from surveys.services.responses import response_submit
from surveys.services.rounds import rounds_tick
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class OpenRoundRescoringTests(BaseTestCase):
    def test_tick_rescores_an_open_round_that_received_answers_today(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        with self.captureOnCommitCallbacks(execute=True):
            assert rounds_tick()["rescored"] == 0  # no answers yet: nothing to rescore
        items = list(rnd.items.all())
        for inv in Invitation.objects.filter(round=rnd):
            response_submit(token=token_of(inv), answers={i.key: 4 for i in items})
        assert not TrustIndexSnapshot.objects.filter(organization=self.org).exists()

        with self.captureOnCommitCallbacks(execute=True):
            assert rounds_tick()["rescored"] == 1

        snap = TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales)
        assert snap.n == 5  # every answer of the still-open round is in the snapshot
