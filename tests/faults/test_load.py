"""Load: 10,000 distinct survey submissions from 50 concurrent clients against gunicorn.

gunicorn serves this test's PostgreSQL database on loopback; the load client runs in its own
process (tests/faults/loadclient.py). Afterwards the buffer is flushed and every submission
is stored exactly once: 10,000 responses with 10,000 distinct comments, every link spent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.test import TransactionTestCase

from orgs.models import Organization, Person, Team
from surveys.links import PULSE_LINK
from surveys.models import Invitation, PendingResponse, Response
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.dispatch import invitations_create
from surveys.services.responses import responses_flush, round_items
from surveys.services.rounds import round_create
from tests.faults.harness import (
    BASE,
    Gunicorn,
    RedisServer,
    app_env,
    database_url_for_workers,
    publishing_to,
    services_only,
)

SUBMISSIONS = int(os.environ.get("TRUSTOS_LOAD_SUBMISSIONS", "10000"))
CLIENTS = 50
TEAMS = 20


@services_only
class LoadTests(TransactionTestCase):
    serialized_rollback = True

    def test_10000_concurrent_submissions_are_all_stored_once(self) -> None:
        rubric_install(data=rubric_read())
        org = Organization.objects.create(name="Load Co", slug="load-co")
        teams = [Team.objects.create(organization=org, name=f"T{i}") for i in range(TEAMS)]
        Person.objects.bulk_create(
            Person(organization=org, team=teams[i % TEAMS], name=f"P{i}", email=f"p{i}@example.com")
            for i in range(SUBMISSIONS)
        )
        redis = RedisServer()  # the web process publishes a flush per answer; no worker here
        redis.start()
        server = None
        jobs_file: Path | None = None
        try:
            with publishing_to(redis.url()):  # the round's dispatch task waits there, unsent
                rnd = round_create(organization=org, teams=teams, title="Load")
            invitations_create(round=rnd)
            keys = [it.key for it in round_items(round=rnd)]
            jobs = [
                {
                    "token": PULSE_LINK.token(inv),
                    "answers": {k: 1 + (n + j) % 5 for j, k in enumerate(keys)},
                    "comment": f"load-{n}",
                }
                for n, inv in enumerate(Invitation.objects.filter(round=rnd).order_by("id"))
            ]
            assert len(jobs) == SUBMISSIONS
            jobs_file = Path(tempfile.mkstemp(prefix="trustos-load-", suffix=".json")[1])
            jobs_file.write_text(json.dumps(jobs))
            server = Gunicorn(
                app_env(
                    database_url=database_url_for_workers(),
                    broker_url=redis.url(),
                    TRUSTED_PROXY_COUNT="1",
                    LOG_LEVEL="WARNING",
                    DEBUG="0",  # as served in production: no per-query debug bookkeeping
                ),
                workers=3,
                threads=4,
            )
            started = time.monotonic()
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.faults.loadclient",
                    server.base_url,
                    str(jobs_file),
                    str(CLIENTS),
                ],
                cwd=BASE,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
            took = time.monotonic() - started
            summary = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            log = server.stop() if server is not None else ""
            redis.close()
            if jobs_file is not None:
                jobs_file.unlink(missing_ok=True)
        print(f"load: {SUBMISSIONS} submissions, {CLIENTS} clients, {took:.1f}s: {summary}")
        assert summary["statuses"] == {"201": SUBMISSIONS} or summary["statuses"] == {
            "200": SUBMISSIONS
        }, (summary, log[-3000:])

        responses_flush(round_id=rnd.pk, force=True)  # what the flush task / close would do
        assert not PendingResponse.objects.filter(round=rnd).exists()
        stored = Response.objects.filter(round=rnd)
        assert stored.count() == SUBMISSIONS
        assert stored.values("comment").distinct().count() == SUBMISSIONS
        assert Invitation.objects.filter(round=rnd, used=True).count() == SUBMISSIONS
