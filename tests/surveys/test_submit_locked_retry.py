"""On the embedded default (a SQLite file), an answer submitted while another writer holds the
database's write lock longer than the busy timeout (a recompute's swap and publish at 1M
responses on a loaded box) is stored once that writer is done, not refused with "database is
locked"; and it is stored exactly once."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import connection
from django.test import TransactionTestCase

from surveys.models import Invitation, PendingResponse
from surveys.rubric_io import rubric_install, rubric_read
from surveys.selectors_forms import round_form
from surveys.services.errors import TokenUsed
from surveys.services.responses import response_submit
from tests.factories import invitation_token, org_make, people_make, round_make, team_make

HOLD_S = 1.5  # the other writer's hold: well above the 0.2 s busy timeout set below


@pytest.mark.skipif(
    connection.vendor != "sqlite"
    or "memory" in str(connection.settings_dict.get("TEST", {}).get("NAME") or "memory"),
    reason="the embedded default: a SQLite file shared by connections",
)
class SubmitWhileLockedTests(TransactionTestCase):
    def setUp(self) -> None:
        rubric_install(data=rubric_read())
        org = org_make()
        team = team_make(org=org)
        people_make(org=org, team=team, n=6)
        self.rnd = round_make(org=org, teams=[team])
        self.keys = [it.key for it in round_form(round=self.rnd, form_index=0)]
        self.token = invitation_token(Invitation.objects.filter(round=self.rnd).first())

    def test_an_answer_waits_out_a_long_write_lock_and_is_stored_once(self) -> None:
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 200")  # the lock outlasts it several times
        self.addCleanup(lambda: connection.close())
        holder = sqlite3.connect(
            connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
        )
        holder.execute("BEGIN IMMEDIATE")
        released = threading.Event()

        def release() -> None:
            time.sleep(HOLD_S)
            holder.execute("COMMIT")
            holder.close()
            released.set()

        threading.Thread(target=release).start()
        t0 = time.perf_counter()
        response_submit(token=self.token, answers=dict.fromkeys(self.keys, 4), form=0)
        waited = time.perf_counter() - t0
        assert released.wait(10)
        assert waited >= HOLD_S * 0.5, waited  # it did meet the lock, and waited it out
        assert PendingResponse.objects.filter(round=self.rnd).count() == 1
        with pytest.raises(TokenUsed):  # exactly once: the token is spent
            response_submit(token=self.token, answers=dict.fromkeys(self.keys, 4), form=0)
        assert PendingResponse.objects.filter(round=self.rnd).count() == 1
