"""The task outbox and the Celery limits, without services: a broker that refuses (a Redis URL
on a port where nothing listens) must never fail a request, and nothing it refused is lost."""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.core import mail
from django.urls import reverse

from core.models import OutboxTask
from core.outbox import outbox_drain, task_publish
from surveys.models import Invitation, PendingResponse, PulseRound
from surveys.services.dispatch import CHUNK, round_dispatch
from surveys.services.responses import round_items
from tests.base import BaseTestCase
from tests.factories import invitation_token, people_make, round_make
from tests.faults.harness import free_port, publishing_to

DOWN = {"socket_connect_timeout": 1, "socket_timeout": 1}


def _down_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


class OutboxTests(BaseTestCase):
    def test_a_publish_the_broker_refuses_is_kept_not_raised(self) -> None:
        with publishing_to(_down_url(), DOWN):
            assert task_publish("surveys.flush_responses", [42]) is False
        row = OutboxTask.objects.get()
        assert (row.name, row.args, row.attempts) == ("surveys.flush_responses", [42], 1)
        assert row.last_error

    def test_a_round_created_while_the_broker_is_down_is_saved_once_and_shown_as_queued(
        self,
    ) -> None:
        people_make(org=self.org, team=self.sales, n=3)
        self.login(self.owner)
        with publishing_to(_down_url(), DOWN), self.captureOnCommitCallbacks(execute=True):
            got = self.client.post(
                reverse("surveys:round_send"),
                {"teams": [self.sales.pk], "title": "Queued", "questions": 8, "open_days": 5},
            )
        assert got.status_code == 302
        rnd = PulseRound.objects.get(title="Queued")
        assert list(OutboxTask.objects.values_list("name", "args")) == [
            ("surveys.dispatch_round", [rnd.pk])
        ]
        page = self.client.get(got["Location"]).content.decode()
        assert "Sending is queued" in page
        assert not Invitation.objects.filter(round=rnd, sent_at__isnull=False).exists()

        # The broker is back (eager here): the drain sends them, once, and the note goes.
        with self.captureOnCommitCallbacks(execute=True):
            assert outbox_drain() == 1
        assert not OutboxTask.objects.exists()
        assert len(mail.outbox) == 3
        assert "Sending is queued" not in self.client.get(got["Location"]).content.decode()

    def test_an_answer_is_accepted_while_the_broker_is_down(self) -> None:
        people_make(org=self.org, team=self.sales, n=3)
        rnd = round_make(org=self.org, teams=[self.sales])
        inv = Invitation.objects.filter(round=rnd).first()
        assert inv is not None
        answers = {it.key: 3 for it in round_items(round=rnd)}
        with publishing_to(_down_url(), DOWN), self.captureOnCommitCallbacks(execute=True):
            got = self.client.post(
                reverse("surveysapi:response_submit"),
                {"token": invitation_token(inv), "answers": answers},
                content_type="application/json",
            )
        assert got.status_code == 201, got.content
        assert PendingResponse.objects.filter(round=rnd).count() == 1
        assert OutboxTask.objects.filter(name="surveys.flush_responses").exists()


class DispatchBudgetTests(BaseTestCase):
    def test_a_dispatch_run_out_of_time_queues_the_rest_after_one_chunk(self) -> None:
        people_make(org=self.org, team=self.sales, n=CHUNK + 5)
        rnd = round_make(org=self.org, teams=[self.sales])  # on_commit not run: nothing sent
        result = round_dispatch(round_id=rnd.pk, budget=0)
        assert result.continued and result.sent == CHUNK
        assert OutboxTask.objects.filter(name="surveys.dispatch_round", args=[rnd.pk]).exists()
        rnd.refresh_from_db()
        assert rnd.dispatch_finished_at is None
        assert round_dispatch(round_id=rnd.pk, budget=60).sent == 5
        rnd.refresh_from_db()
        assert rnd.dispatch_finished_at is not None


# Tasks that may run longer than the visibility timeout (score recomputes of a large org).
ACKED_ON_RECEIPT = {
    "scoring.recompute_round_snapshots",
    "scoring.recompute_org_snapshots",
    "execution.import_run",
    "decisions.recompute_decision_metrics",
}


def test_no_task_outlives_or_waits_longer_than_the_visibility_timeout() -> None:
    # A task still running, or waiting for its retry (ETA), when the visibility timeout passes
    # is handed to a second worker: the time limit and every retry delay stay below it.
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    assert timeout > settings.CELERY_TASK_TIME_LIMIT
    ours = [t for name, t in current_app.tasks.items() if not name.startswith("celery.")]
    assert ours
    for t in ours:
        backoff = getattr(t, "retry_backoff", False)  # set on autoretry tasks only
        if backoff:
            factor = 1 if backoff is True else int(backoff)
            longest = min(
                getattr(t, "retry_backoff_max", 600), factor * 2 ** max((t.max_retries or 1) - 1, 0)
            )
            assert longest < timeout, f"{t.name} may wait {longest}s before a retry"
        if t.name in ACKED_ON_RECEIPT:
            # Long by nature: acknowledged when taken, so the timeout never hands them out
            # again; a lost one is re-queued by scoring.recompute_unreleased_rounds.
            assert not t.acks_late and t.time_limit > timeout, t.name
            continue
        assert t.acks_late and t.reject_on_worker_lost, t.name


def test_the_redis_transport_options_hold_the_visibility_timeout() -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return  # the embedded broker has no visibility timeout; the services run checks Redis
    opts = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert opts["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    assert opts["unacked_restore_interval"] * opts["unacked_restore_throttle"] <= 5
