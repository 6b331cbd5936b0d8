"""On the embedded default (a SQLite file), a recompute decides its release without holding
the database's write lock (issue 15, Deliver 2): an answer submitted while the release is
being prepared is stored at once, not after the decision."""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from scoring import releases
from scoring.models_release import ResultRelease
from scoring.services import snapshot_recompute
from surveys.models import Invitation, PendingResponse, Response
from surveys.rubric_io import rubric_install, rubric_read
from surveys.selectors_forms import round_form
from surveys.services.responses import response_submit
from surveys.services.writer import survey_writer_turn
from tests.factories import invitation_token, org_make, people_make, round_make, team_make
from tests.scoring.db_fixture import build
from tests.sqlite_lock import sqlite_file_only

SLOW_S = 2.0  # the disclosure decision, slowed: far longer than a submit
FAST_S = 0.5  # a submit that did not wait for it


@sqlite_file_only
class SubmitWhileReleasePreparedTests(TransactionTestCase):
    # As every transactional test here (content types restored after the flush).
    serialized_rollback = True

    def setUp(self) -> None:
        rubric_install(data=rubric_read())
        self.org = org_make()
        teams = {name: team_make(org=self.org) for name in ("platform", "mobile", "sales")}
        build(self.org, teams)  # two closed rounds with answers: something to release
        people_make(org=self.org, team=teams["sales"], n=6)
        self.rnd = round_make(org=self.org, teams=[teams["sales"]])
        self.keys = [it.key for it in round_form(round=self.rnd, form_index=0)]
        self.token = invitation_token(Invitation.objects.filter(round=self.rnd).first())

    def test_an_answer_submitted_while_the_release_is_decided_is_stored_at_once(self) -> None:
        deciding = threading.Event()
        real = releases._decide
        errors: list[str] = []

        def slow_decide(*args: Any, **kwargs: Any) -> Any:
            if not deciding.is_set():
                deciding.set()
                time.sleep(SLOW_S)
            return real(*args, **kwargs)

        def recompute() -> None:
            try:
                snapshot_recompute(org_id=self.org.id)
            except Exception as exc:  # any failure must fail the test
                errors.append(repr(exc))
            finally:
                connection.close()  # this thread's own connection

        with mock.patch.object(releases, "_decide", slow_decide):
            worker = threading.Thread(target=recompute)
            worker.start()
            assert deciding.wait(30)
            t0 = time.perf_counter()
            response_submit(token=self.token, answers=dict.fromkeys(self.keys, 4), form=0)
            waited = time.perf_counter() - t0
            worker.join(60)
        assert not worker.is_alive() and not errors, errors
        assert waited < FAST_S, f"the submit waited {waited:.2f} s for the release"
        stored = PendingResponse.objects.filter(round=self.rnd).count()
        stored += Response.objects.filter(round=self.rnd).count()
        assert stored == 1
        assert ResultRelease.objects.filter(organization=self.org).count() == 1

    def test_a_recompute_run_inside_the_writers_turn_does_not_wait_for_itself(self) -> None:
        # A submit's eager on-commit task may recompute while the submit still holds the turn.
        finished = threading.Event()

        def recompute_in_turn() -> None:
            try:
                with survey_writer_turn():
                    snapshot_recompute(org_id=self.org.id)
                finished.set()
            finally:
                connection.close()

        worker = threading.Thread(target=recompute_in_turn, daemon=True)
        worker.start()
        worker.join(60)
        assert finished.is_set()
        assert ResultRelease.objects.filter(organization=self.org).count() == 1
