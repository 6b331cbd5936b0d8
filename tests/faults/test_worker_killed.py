"""A Celery worker SIGKILLed while it sends a round's invitations is replaced by another worker.

Real PostgreSQL (this test's database) and a private Redis; the worker's mail backend writes
every email to a file, 20 ms each, so the kill lands mid-dispatch. Two workers run; the one
that took the dispatch is killed, the other (already running, as in production) takes over. The unacknowledged task
goes back to the queue after the visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT) and
the second worker sends the rest: everyone exactly once, except at most the one email in
flight at the kill, sent again with the same link.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.test import TransactionTestCase

from orgs.models import Organization, Team
from surveys.models import Invitation, PulseRound
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.rounds import round_create
from tests.factories import people_make
from tests.faults.harness import (
    RedisServer,
    Worker,
    app_env,
    database_url_for_workers,
    mail_lines,
    publishing_to,
    services_only,
    wait_until,
)

PEOPLE = 300


@services_only
class WorkerKilledMidDispatchTests(TransactionTestCase):
    serialized_rollback = True

    def test_a_killed_worker_is_replaced_and_everyone_is_invited_once(self) -> None:
        rubric_install(data=rubric_read())
        org = Organization.objects.create(name="Kill Co", slug="kill-co")
        team = Team.objects.create(organization=org, name="Crew")
        people_make(org=org, team=team, n=PEOPLE)
        mail_log = Path(tempfile.mkdtemp(prefix="trustos-mail-")) / "mail.jsonl"
        self.addCleanup(shutil.rmtree, mail_log.parent, True)
        redis = RedisServer()
        redis.start()
        env = app_env(
            database_url=database_url_for_workers(),
            broker_url=redis.url(),
            EMAIL_BACKEND="tests.faults.mailrec.RecordingBackend",
            TRUSTOS_MAIL_LOG=str(mail_log),
            TRUSTOS_MAIL_DELAY="0.02",
        )
        workers: list[Worker] = []
        try:
            with publishing_to(redis.url()):
                # Two workers, as in production: one takes the dispatch, the other stands by.
                workers = [Worker(env, "one"), Worker(env, "two")]
                assert wait_until(lambda: all(w.ready() for w in workers), 90, 0.5)
                rnd = round_create(organization=org, teams=[team], title="Kill")
                assert wait_until(lambda: len(mail_lines(mail_log)) >= 60, 60), (
                    "no worker started sending"
                )
                busy = next(w for w in workers if w.received("surveys.dispatch_round"))
                busy.kill()
                killed_at = time.monotonic()
                sent_before_kill = len(mail_lines(mail_log))
                assert sent_before_kill < PEOPLE, "the dispatch finished before the kill"
                finished = wait_until(
                    lambda: PulseRound.objects.filter(
                        pk=rnd.pk, dispatch_finished_at__isnull=False
                    ).exists(),
                    settings.CELERY_VISIBILITY_TIMEOUT + 50,
                    0.5,
                )
                took = time.monotonic() - killed_at
        finally:
            logs = [w.stop() for w in workers]
            redis.close()
        assert finished, "no worker finished the dispatch:\n" + "\n".join(logs)[-4000:]
        print(f"killed after {sent_before_kill} emails; replaced and finished in {took:.1f}s")
        assert took < 60, f"the replacement finished {took:.1f}s after the kill"

        assert Invitation.objects.filter(round=rnd, sent_at__isnull=True).count() == 0
        lines = mail_lines(mail_log)
        per_person = Counter(line["to"] for line in lines)
        assert len(per_person) == PEOPLE, "someone was never invited"
        twice = [to for to, n in per_person.items() if n > 1]
        assert len(twice) <= 1, f"more than the one email in flight went twice: {twice}"
        assert max(per_person.values()) <= 2
        for to in twice:
            links = {line["link"] for line in lines if line["to"] == to}
            assert len(links) == 1, "the email sent again carries a different link"
        assert all(line["link"] for line in lines)
