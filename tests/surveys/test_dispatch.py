"""Invitation dispatch: one per person, derived links, crash-safe and idempotent re-runs."""

from __future__ import annotations

import io
from collections import Counter

from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from core.links import link_hash
from orgs.models import Person
from surveys.models import Invitation
from surveys.services.dispatch import invitation_link, round_dispatch
from tests.base import BaseTestCase
from tests.surveys.flaky_email import FlakyEmailBackend, WorkerKilled
from tests.surveys.helpers import add_people, open_round, token_of


class DispatchTests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.platform, 6)
        add_people(self.org, self.mobile, 5)
        add_people(self.org, self.sales, 4)  # not in the audience
        Person.objects.create(
            organization=self.org,
            name="Gone",
            email="gone@example.com",
            team=self.mobile,
            is_active=False,
        )
        FlakyEmailBackend.budget = None

    def test_it_invites_every_active_person_of_the_teams_and_sub_teams_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.eng])
        audience = set(
            Person.objects.filter(
                team__in=[self.platform, self.mobile], is_active=True
            ).values_list("email", flat=True)
        )
        assert len(audience) == 12  # 6 + 5 + the base member
        assert Counter(m.to[0] for m in mail.outbox) == Counter(dict.fromkeys(audience, 1))
        assert rnd.invitations.count() == 12
        assert not rnd.invitations.filter(sent_at__isnull=True).exists()
        # The link in the mail is the invitation's; only its hash is stored.
        inv = rnd.invitations.select_related("person").first()
        body = next(m.body for m in mail.outbox if m.to == [inv.person.email])
        assert invitation_link(inv) in body
        assert inv.token_hash == link_hash(token_of(inv))
        assert token_of(inv) not in str(list(Invitation.objects.values()))

    @override_settings(EMAIL_BACKEND="tests.surveys.flaky_email.FlakyEmailBackend")
    def test_a_dispatch_killed_midway_and_rerun_sends_nobody_twice_and_misses_nobody(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            rnd = open_round(self.org, [self.eng])
        FlakyEmailBackend.budget = 5
        with self.assertRaises(WorkerKilled):
            round_dispatch(round_id=rnd.pk)
        assert len(mail.outbox) == 5
        assert rnd.invitations.filter(sent_at__isnull=False).count() == 5
        links_before = {i.pk: invitation_link(i) for i in rnd.invitations.all()}

        FlakyEmailBackend.budget = None
        round_dispatch(round_id=rnd.pk)  # the redelivered task
        round_dispatch(round_id=rnd.pk)  # and once more for good measure
        per_person = Counter(m.to[0] for m in mail.outbox)
        assert len(per_person) == 12 and set(per_person.values()) == {1}
        # The re-run rebuilt the very same links (derived tokens), so none is dead.
        assert {i.pk: invitation_link(i) for i in rnd.invitations.all()} == links_before
        rnd.refresh_from_db()
        assert rnd.dispatch_finished_at is not None

    def test_people_added_later_are_invited_by_a_rerun_without_re_sending_the_others(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.eng])
        add_people(self.org, self.platform, 1, prefix="late")
        round_dispatch(round_id=rnd.pk)
        assert Counter(m.to[0] for m in mail.outbox)["late0@example.com"] == 1
        assert len(mail.outbox) == 13

    def test_the_dispatch_round_command_reports_progress_and_is_idempotent(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            rnd = open_round(self.org, [self.sales])
        out = io.StringIO()
        call_command("dispatch_round", str(rnd.pk), stdout=out)
        assert "4 invitations, 4 to send" in out.getvalue()
        assert "sent 4/4" in out.getvalue()
        out = io.StringIO()
        call_command("dispatch_round", str(rnd.pk), stdout=out)
        assert "0 to send" in out.getvalue()
        assert len(mail.outbox) == 4

    @override_settings(SLACK_WEBHOOK_URL="https://hooks.slack.example/T000/B000/XXX")
    def test_slack_gets_one_announcement_per_round_without_any_personal_link(self) -> None:
        from unittest import mock

        posted: list[bytes] = []

        class FakeResp:
            status = 200

            def __enter__(self) -> FakeResp:
                return self

            def __exit__(self, *a: object) -> None:
                return None

        def fake_urlopen(req: object, timeout: float) -> FakeResp:
            posted.append(req.data)  # type: ignore[attr-defined]
            return FakeResp()

        # Only the HTTP boundary is replaced.
        with mock.patch("urllib.request.urlopen", fake_urlopen):
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [self.sales])
            round_dispatch(round_id=rnd.pk)
        assert len(posted) == 1
        assert b"/s/" not in posted[0] and rnd.title.encode() in posted[0]


class DispatchSafetyNetTests(BaseTestCase):
    def test_the_minute_tick_finishes_a_dispatch_whose_task_was_lost(self) -> None:
        import datetime as dt

        import time_machine

        from surveys.services.rounds import rounds_tick

        add_people(self.org, self.sales, 4)
        start = dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False), self.captureOnCommitCallbacks(execute=False):
            rnd = open_round(self.org, [self.sales])  # the dispatch message is lost
        assert mail.outbox == []
        five_min = start + dt.timedelta(minutes=5)
        with time_machine.travel(five_min, tick=False), self.captureOnCommitCallbacks(execute=True):
            assert rounds_tick()["redispatched"] == 0  # give the real task time first
        with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                assert rounds_tick()["redispatched"] == 1
            with self.captureOnCommitCallbacks(execute=True):
                assert rounds_tick()["redispatched"] == 0  # finished: not again
        assert sorted(m.to[0] for m in mail.outbox) == [f"sales{i}@example.com" for i in range(4)]
        rnd.refresh_from_db()
        assert rnd.dispatch_finished_at is not None

    @override_settings(EMAIL_BACKEND="tests.surveys.test_dispatch.RefusingBackend")
    def test_one_refused_address_does_not_block_the_others(self) -> None:
        add_people(self.org, self.sales, 4)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        assert sorted(m.to[0] for m in mail.outbox) == [
            "sales0@example.com",
            "sales2@example.com",
            "sales3@example.com",
        ]
        assert rnd.invitations.filter(sent_at__isnull=True).count() == 1
        # A re-run after the address is fixed sends only that one.
        with self.settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            round_dispatch(round_id=rnd.pk)
        assert Counter(m.to[0] for m in mail.outbox) == Counter(
            {f"sales{i}@example.com": 1 for i in range(4)}
        )


class RefusingBackend(FlakyEmailBackend):
    def send_messages(self, messages: object) -> int:
        import smtplib

        for m in messages:  # type: ignore[attr-defined]
            if m.to == ["sales1@example.com"]:
                raise smtplib.SMTPRecipientsRefused({"sales1@example.com": (550, b"no such user")})
        return super().send_messages(messages)
