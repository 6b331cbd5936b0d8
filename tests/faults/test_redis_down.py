"""Redis down: answers are accepted, a new round is saved once and sent when the broker is back.

A private Redis is stopped (SIGKILL) under a live web process (the Django test client on the
real PostgreSQL): no request answers 5xx except /healthz's deliberate 503, which names the
broker and not the database; the round's dispatch waits in the outbox (core/outbox.py).
Then Redis comes back, beat's every-minute `core.drain_outbox` (sent here as beat would send
it) publishes what waited, and a real worker sends each invitation of the round exactly once.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from django.test import TransactionTestCase
from django.urls import reverse

from core.models import OutboxTask
from orgs.models import Organization, Role, Team
from surveys.models import Invitation, PendingResponse, PulseRound
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.responses import round_items
from tests.factories import invitation_token, people_make, round_make, user_make
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
from trustos.celery import app as celery_app


@services_only
class RedisDownTests(TransactionTestCase):
    serialized_rollback = True

    def test_answers_and_a_new_round_survive_a_broker_outage(self) -> None:
        rubric_install(data=rubric_read())
        org = Organization.objects.create(name="Outage Co", slug="outage-co")
        answering = Team.objects.create(organization=org, name="Answering")
        invited = Team.objects.create(organization=org, name="Invited")
        people_make(org=org, team=answering, n=3)
        newcomers = {p.email for p in people_make(org=org, team=invited, n=12)}
        owner = user_make(org=org, role=Role.ADMIN)
        open_rnd = round_make(org=org, teams=[answering])  # before the outage (eager)
        inv = Invitation.objects.filter(round=open_rnd).first()
        assert inv is not None
        answers = {it.key: 4 for it in round_items(round=open_rnd)}
        mail_log = Path(tempfile.mkdtemp(prefix="trustos-mail-")) / "mail.jsonl"
        self.addCleanup(shutil.rmtree, mail_log.parent, True)
        redis = RedisServer()
        redis.start()
        worker = None
        try:
            with publishing_to(redis.url()):
                redis.stop()
                statuses: list[int] = []

                # 1. An answer: stored (buffered), its flush task kept for later.
                got = self.client.post(
                    reverse("surveysapi:response_submit"),
                    {"token": invitation_token(inv), "answers": answers, "comment": "fine"},
                    content_type="application/json",
                )
                statuses.append(got.status_code)
                assert got.status_code in (200, 201), got.content
                assert PendingResponse.objects.filter(round=open_rnd).count() == 1

                # 2. A round: saved once, the user told that sending is queued.
                self.client.force_login(owner)
                got = self.client.post(
                    reverse("surveys:round_send"),
                    {"teams": [invited.pk], "title": "During the outage", "questions": 8}
                    | {"open_days": 5},
                    follow=True,
                )
                statuses.append(got.status_code)
                assert got.status_code == 200
                assert "Sending is queued" in got.content.decode()
                rnd = PulseRound.objects.get(title="During the outage")
                assert OutboxTask.objects.filter(name="surveys.dispatch_round", args=[rnd.pk])
                statuses.append(
                    self.client.get(reverse("surveys:round_detail", args=[rnd.pk])).status_code
                )

                # 3. /healthz: the database answers, the broker does not.
                got = self.client.get("/healthz")
                assert got.status_code == 503
                assert got.json() | {} == {"status": "error", "database": "ok", "broker": "error"}
                assert all(s < 500 for s in statuses), statuses

                # 4. The broker is back: beat's drain publishes, a worker sends, once each.
                redis.start()
                assert self.client.get("/healthz").json()["broker"] == "ok"
                worker = Worker(
                    app_env(
                        database_url=database_url_for_workers(),
                        broker_url=redis.url(),
                        EMAIL_BACKEND="tests.faults.mailrec.RecordingBackend",
                        TRUSTOS_MAIL_LOG=str(mail_log),
                    ),
                    "after-outage",
                )
                celery_app.send_task("core.drain_outbox")
                sent = wait_until(
                    lambda: PulseRound.objects.filter(
                        pk=rnd.pk, dispatch_finished_at__isnull=False
                    ).exists(),
                    60,
                    0.5,
                )
        finally:
            log = worker.stop() if worker is not None else ""
            redis.close()
        assert sent, "the round queued during the outage was never sent:\n" + log[-4000:]
        assert PulseRound.objects.filter(title="During the outage").count() == 1
        assert not OutboxTask.objects.exists(), "the outbox was not drained"
        per_person = Counter(line["to"] for line in mail_lines(mail_log) if line["to"] in newcomers)
        assert set(per_person) == newcomers
        assert set(per_person.values()) == {1}
