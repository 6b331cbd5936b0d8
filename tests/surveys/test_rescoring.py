"""Answers arriving in an open round are rescored by the minute tick, not only at close."""

from __future__ import annotations

import datetime as dt

import time_machine

from scoring.models import TrustIndexSnapshot
from surveys.models import Invitation, Response
from surveys.services.responses import response_submit, responses_flush
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


class RescoringInTheOrgTimeZoneTests(BaseTestCase):
    """`submitted_on` is the org's local date: the tick must compare it with the org's today."""

    def answer_all(self, when: dt.datetime) -> None:
        add_people(self.org, self.sales, 5)
        with time_machine.travel(when, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [self.sales])
            items = list(rnd.items.all())
            for inv in Invitation.objects.filter(round=rnd):
                response_submit(token=token_of(inv), answers={i.key: 4 for i in items})
            # Five answers are k: the batch is written (and dated) at once.
            responses_flush(round_id=rnd.pk)

    def tick_at(self, when: dt.datetime) -> int:
        with (
            time_machine.travel(when, tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            return rounds_tick()["rescored"]

    def test_an_org_at_utc_plus_13_is_rescored_on_its_own_today(self) -> None:
        self.org.time_zone = "Pacific/Tongatapu"  # UTC+13 all year
        self.org.save()
        # 11:30 UTC on the 10th is already 00:30 on the 11th in Tonga.
        when = dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC)
        self.answer_all(when)
        assert set(Response.objects.values_list("submitted_on", flat=True)) == {
            dt.date(2026, 3, 11)
        }
        assert self.tick_at(when + dt.timedelta(minutes=1)) == 1
        assert TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales).n == 5

    def test_an_org_at_utc_minus_11_is_rescored_on_its_own_today(self) -> None:
        self.org.time_zone = "Pacific/Pago_Pago"  # UTC-11 all year
        self.org.save()
        # 10:30 UTC on the 11th is still 23:30 on the 10th in Pago Pago.
        when = dt.datetime(2026, 3, 11, 10, 30, tzinfo=dt.UTC)
        self.answer_all(when)
        assert self.tick_at(when + dt.timedelta(minutes=1)) == 1

    def test_answers_of_the_orgs_yesterday_are_not_rescored_again(self) -> None:
        self.org.time_zone = "Pacific/Tongatapu"
        self.org.save()
        # Answered at 01:00 on the 10th in Tonga (12:00 UTC on the 9th) ...
        self.answer_all(dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC))
        # ... and ticked at 00:30 on the 11th in Tonga, while UTC's date is the 10th.
        assert self.tick_at(dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC)) == 0
