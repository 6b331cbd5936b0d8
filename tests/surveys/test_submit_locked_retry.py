"""On the embedded default (a SQLite file), an answer submitted while another writer holds the
database's write lock longer than the busy timeout (a recompute's swap and publish at 1M
responses on a loaded box) is stored once that writer is done, not refused with "database is
locked"; and it is stored exactly once."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import TransactionTestCase

from surveys.models import Invitation, PendingResponse
from surveys.selectors_forms import round_form
from surveys.services.errors import TokenUsed
from surveys.services.responses import response_submit
from tests.factories import invitation_token
from tests.sqlite_lock import contention_round, sqlite_file_only, write_lock_hold

HOLD_S = 1.5  # the other writer's hold: well above the 0.2 s busy timeout set below


@sqlite_file_only
class SubmitWhileLockedTests(TransactionTestCase):
    # As every transactional test here: without it the flush after this test leaves the
    # content types to be made again, and the next serialized-rollback test's restore of
    # them collided (UNIQUE constraint) in some suite orders.
    serialized_rollback = True

    def setUp(self) -> None:
        self.rnd = contention_round()
        self.keys = [it.key for it in round_form(round=self.rnd, form_index=0)]
        self.token = invitation_token(Invitation.objects.filter(round=self.rnd).first())

    def test_an_answer_waits_out_a_long_write_lock_and_is_stored_once(self) -> None:
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 200")  # the lock outlasts it several times
        self.addCleanup(lambda: connection.close())
        released = write_lock_hold(HOLD_S)
        t0 = time.perf_counter()
        response_submit(token=self.token, answers=dict.fromkeys(self.keys, 4), form=0)
        waited = time.perf_counter() - t0
        assert released.wait(10)
        assert waited >= HOLD_S * 0.5, waited  # it did meet the lock, and waited it out
        assert PendingResponse.objects.filter(round=self.rnd).count() == 1
        with pytest.raises(TokenUsed):  # exactly once: the token is spent
            response_submit(token=self.token, answers=dict.fromkeys(self.keys, 4), form=0)
        assert PendingResponse.objects.filter(round=self.rnd).count() == 1
