"""Team answers to "did this happen?" wait in a buffer and reach FollowUpAnswer in shuffled
batches of at least k, written by a transaction that touches no link."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.base import BaseTestCase
from tests.factories import person_make
from tests.workshops.helpers import workshop_make
from workshops.followup_flush import ANSWER_DAYS, followup_answers_flush
from workshops.models_commitments import (
    FollowUpAnswer,
    FollowUpLink,
    PendingFollowUpAnswer,
)
from workshops.services import commitment_create
from workshops.services_followup import (
    FOLLOWUP_LINK,
    followup_answer,
    followups_create_due,
    followups_send,
)

DUE = dt.date(2026, 6, 20)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


class FollowUpBufferTests(BaseTestCase):
    def setUp(self) -> None:
        self.owner = person_make(org=self.org, team=self.platform, name="Owner")
        for i in range(6):
            person_make(org=self.org, team=self.platform, name=f"T{i}")
        workshop = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        with time_machine.travel(at(DUE - dt.timedelta(days=10)), tick=False):
            self.c = commitment_create(
                workshop=workshop,
                actor=self.facilitator,
                what="Write the runbook",
                owner=self.owner,
                due_on=DUE,
            )
        self.day = DUE + dt.timedelta(days=2)
        with time_machine.travel(at(DUE + dt.timedelta(days=1)), tick=False):
            followups_send(link_ids=followups_create_due(org=self.org))
        self.tokens = [
            FOLLOWUP_LINK.token(link)
            for link in FollowUpLink.objects.filter(is_owner=False).order_by("pk")
        ]

    def answer(self, token: str, value: str = "done") -> None:
        with time_machine.travel(at(self.day), tick=False):
            followup_answer(raw_token=token, answer=value)

    def test_an_answer_is_buffered_without_person_link_or_token(self) -> None:
        self.answer(self.tokens[0])
        assert PendingFollowUpAnswer.objects.count() == 1 and not FollowUpAnswer.objects.exists()
        fields = {f.name for f in PendingFollowUpAnswer._meta.get_fields()}
        assert not fields & {"person", "link", "token", "token_hash", "created_at"}

    def test_answers_leave_the_buffer_only_in_groups_of_k_under_new_ids(self) -> None:
        k = self.org.k
        for i, token in enumerate(self.tokens[:k]):
            self.answer(token)
            with time_machine.travel(at(self.day), tick=False):
                written = followup_answers_flush(commitment_id=self.c.pk)
            assert written == (k if i == k - 1 else 0)
        assert FollowUpAnswer.objects.count() == k and not PendingFollowUpAnswer.objects.exists()

    def test_the_batch_is_shuffled_and_gets_new_ids(self) -> None:
        for token, value in zip(self.tokens[:6], ["done", "partly", "not_yet"] * 2, strict=True):
            self.answer(token, value)
        buffered = set(PendingFollowUpAnswer.objects.values_list("id", flat=True))
        with time_machine.travel(at(self.day), tick=False):
            followup_answers_flush(commitment_id=self.c.pk, rng=random.Random(3))
        assert not buffered & set(FollowUpAnswer.objects.values_list("id", flat=True))
        assert FollowUpAnswer.objects.count() == 6

    def test_the_writing_transaction_reads_and_writes_no_link(self) -> None:
        for token in self.tokens[: self.org.k]:
            self.answer(token)
        with (
            time_machine.travel(at(self.day), tick=False),
            CaptureQueriesContext(connection) as q,
        ):
            followup_answers_flush(commitment_id=self.c.pk)
        sqls = [x["sql"] for x in q.captured_queries]
        start = next(i for i, s in enumerate(sqls) if "SAVEPOINT" in s)
        assert not any("followuplink" in s.lower() for s in sqls[start:]), sqls[start:]
        assert any("INSERT" in s and "followupanswer" in s.lower() for s in sqls[start:])

    def test_below_k_the_answers_leave_when_the_window_closes(self) -> None:
        self.answer(self.tokens[0])
        with time_machine.travel(at(self.day), tick=False):
            assert followup_answers_flush(commitment_id=self.c.pk) == 0
        later = DUE + dt.timedelta(days=ANSWER_DAYS + 3)
        with time_machine.travel(at(later), tick=False):
            assert followup_answers_flush(org_id=self.org.pk) == 1
        assert FollowUpAnswer.objects.count() == 1
