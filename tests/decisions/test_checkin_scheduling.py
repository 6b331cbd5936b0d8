"""Check-ins are created and sent at decided_on + each offset (frozen time), exactly once."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from core.links import link_hash
from decisions.models import CheckInInvitation
from decisions.services import decision_change_status
from decisions.tasks import dispatch_due_checkins_task, send_checkin_invitation_task
from orgs.models import Organization
from tests.decisions.base import DecisionTestCase
from tests.decisions.flaky_email import RefusingEmailBackend
from tests.factories import link_from_email, token_from_email

UTC = dt.UTC


def at(y: int, m: int, d: int, h: int = 9) -> time_machine.travel:
    return time_machine.travel(dt.datetime(y, m, d, h, tzinfo=UTC), tick=False)


class SchedulingTests(DecisionTestCase):
    def dispatch(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            dispatch_due_checkins_task()

    def test_it_sends_check_ins_on_the_offset_days_only(self) -> None:
        with at(2026, 3, 1):
            d = self.decide(decided_on=dt.date(2026, 3, 1), stakeholders=[self.sales_people[0]])
        with at(2026, 3, 7):
            self.dispatch()
        assert len(mail.outbox) == 0
        with at(2026, 3, 8):
            self.dispatch()
        # 7 Platform people + 1 explicit stakeholder from Sales
        assert len(mail.outbox) == 8
        assert {m.to[0] for m in mail.outbox} >= {"member@example.com", "sam0@acme.example"}
        assert set(CheckInInvitation.objects.values_list("offset_days", flat=True)) == {7}
        assert "/decisions/c/" in mail.outbox[0].body and d.title in mail.outbox[0].subject
        with at(2026, 3, 29):
            self.dispatch()
        assert len(mail.outbox) == 8
        with at(2026, 3, 31):
            self.dispatch()
        assert len(mail.outbox) == 16
        assert CheckInInvitation.objects.filter(offset_days=30).count() == 8

    def test_offsets_are_configurable_per_org(self) -> None:
        Organization.objects.filter(pk=self.org.pk).update(checkin_offsets_days=[3])
        self.org.refresh_from_db()
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        with at(2026, 3, 4):
            self.dispatch()
        assert len(mail.outbox) == 7
        with at(2026, 3, 8):
            self.dispatch()
        assert len(mail.outbox) == 7

    def test_due_day_is_judged_in_the_orgs_time_zone(self) -> None:
        Organization.objects.filter(pk=self.org.pk).update(time_zone="Pacific/Auckland")
        self.org.refresh_from_db()
        with at(2026, 3, 1, 0):
            self.decide(decided_on=dt.date(2026, 3, 1))
        with at(2026, 3, 7, 10):  # already 2026-03-07 23:00 in Auckland: not yet
            self.dispatch()
        assert len(mail.outbox) == 0
        with at(2026, 3, 7, 12):  # 2026-03-08 01:00 in Auckland: due
            self.dispatch()
        assert len(mail.outbox) == 7

    def test_dispatch_twice_sends_nothing_twice(self) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        with at(2026, 3, 8):
            self.dispatch()
            self.dispatch()
            inv = CheckInInvitation.objects.first()
            assert send_checkin_invitation_task(inv.pk) is False  # a re-delivered task
        assert len(mail.outbox) == 7
        assert CheckInInvitation.objects.count() == 7

    def test_old_decisions_get_no_stale_check_ins(self) -> None:
        with at(2026, 3, 20):
            self.decide(decided_on=dt.date(2026, 3, 1))
            self.dispatch()
        assert len(mail.outbox) == 0  # the 7-day check-in was due 12 days ago

    def test_reversed_decisions_are_not_asked_about(self) -> None:
        with at(2026, 3, 1):
            d = self.decide(decided_on=dt.date(2026, 3, 1))
            decision_change_status(decision=d, actor=self.owner, to_status="reversed")
        with at(2026, 3, 8):
            self.dispatch()
        assert len(mail.outbox) == 0

    def test_the_email_link_opens_the_check_in_page(self) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        with at(2026, 3, 8):
            self.dispatch()
            path, raw = link_from_email(mail.outbox[0].body, landing="/decisions/c/")
            landing = self.client.get(path)
            resp = self.client.post(reverse("decisions:checkin_form"), {"link": raw})
        assert landing.status_code == 200 and raw.encode() not in landing.content
        assert resp.status_code == 200
        assert b"still holding" in resp.content

    def test_management_command_dispatches_with_a_pretend_today(self) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
            call_command(
                "dispatch_checkins", "--now", "--today", "2026-03-08", stdout=io.StringIO()
            )
        assert len(mail.outbox) == 7

    def test_the_emailed_link_is_the_stored_hash(self) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        with at(2026, 3, 8):
            self.dispatch()
        for m in mail.outbox:
            raw = token_from_email(m.body, landing="/decisions/c/")
            inv = CheckInInvitation.objects.get(token_hash=link_hash(raw))
            assert inv.person.email == m.to[0] and inv.sent_at is not None

    @override_settings(EMAIL_BACKEND="tests.decisions.flaky_email.RefusingEmailBackend")
    def test_a_mail_error_leaves_the_invitation_unsent_and_the_next_run_sends_the_same_link(
        self,
    ) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        RefusingEmailBackend.refuse = {"member@example.com"}
        try:
            with at(2026, 3, 8, 9):
                call_command(
                    "dispatch_checkins", "--now", stdout=io.StringIO(), stderr=io.StringIO()
                )
        finally:
            RefusingEmailBackend.refuse = set()
        assert len(mail.outbox) == 6  # the others went out
        inv = CheckInInvitation.objects.get(person=self.member_person)
        assert inv.sent_at is None
        with at(2026, 3, 8, 10):
            call_command("dispatch_checkins", "--now", stdout=io.StringIO())
        assert len(mail.outbox) == 7 and mail.outbox[-1].to == ["member@example.com"]
        raw = token_from_email(mail.outbox[-1].body, landing="/decisions/c/")
        inv.refresh_from_db()
        assert inv.sent_at is not None and inv.token_hash == link_hash(raw)

    @override_settings(EMAIL_BACKEND="tests.decisions.flaky_email.RefusingEmailBackend")
    def test_a_mail_server_going_down_stops_the_run_and_the_next_run_sends_the_rest(
        self,
    ) -> None:
        with at(2026, 3, 1):
            self.decide(decided_on=dt.date(2026, 3, 1))
        RefusingEmailBackend.down_after = 3
        err = io.StringIO()
        try:
            with at(2026, 3, 8, 9):
                call_command("dispatch_checkins", "--now", stdout=io.StringIO(), stderr=err)
        finally:
            RefusingEmailBackend.down_after = None
        # Same policy as pulse dispatch: the run stops at the first non-refusal error.
        assert len(mail.outbox) == 3
        assert "4 could not be sent" in err.getvalue()
        assert CheckInInvitation.objects.filter(sent_at__isnull=True).count() == 4
        with at(2026, 3, 8, 10):
            call_command("dispatch_checkins", "--now", stdout=io.StringIO())
        per_person = [m.to[0] for m in mail.outbox]
        assert len(per_person) == 7 and len(set(per_person)) == 7
        for m in mail.outbox:
            raw = token_from_email(m.body, landing="/decisions/c/")
            assert CheckInInvitation.objects.get(token_hash=link_hash(raw)).person.email == m.to[0]
