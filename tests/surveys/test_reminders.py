"""Reminders: about half-time, then every few days, only to non-responders, never at weekends."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import override_settings

from surveys.services.reminders import REMINDER_MAX, reminder_due, reminders_send
from surveys.services.responses import response_submit
from surveys.services.rounds import rounds_tick
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of

UTC = dt.UTC
MON = dt.datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday


def at(day_offset: float, hour: int = 10) -> dt.datetime:
    return (MON + dt.timedelta(days=day_offset)).replace(hour=hour)


def reminders() -> Counter[str]:
    return Counter(m.to[0] for m in mail.outbox if m.subject.startswith("Reminder"))


class ReminderTests(BaseTestCase):
    def setUp(self) -> None:
        self.people = add_people(self.org, self.sales, 5)
        with time_machine.travel(MON, tick=False), self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], open_days=8)  # closes Tue 24th
        self.invs = {i.person.email: i for i in self.round.invitations.select_related("person")}
        self.responder = self.people[0].email
        key = self.round.round_items.first().item.key
        with time_machine.travel(at(1), tick=False):
            response_submit(token=token_of(self.invs[self.responder]), answers={key: 4})

    def tick(self, when: dt.datetime) -> dict[str, int]:
        with time_machine.travel(when, tick=False):
            return rounds_tick()

    def test_no_reminder_before_half_time(self) -> None:
        self.tick(at(3, 12))  # Thursday, before Friday 09:00 half-time
        assert reminders() == Counter()

    def test_reminders_go_only_to_non_responders_at_half_time_then_every_few_days(self) -> None:
        self.tick(at(4))  # Friday 10:00, past half-time
        non_responders = {p.email for p in self.people[1:]}
        assert reminders() == Counter(dict.fromkeys(non_responders, 1))
        assert self.responder not in reminders()
        self.tick(at(4, 11))  # an hour later: nothing new
        assert sum(reminders().values()) == 4
        self.tick(at(5))  # Saturday
        self.tick(at(6))  # Sunday
        assert sum(reminders().values()) == 4
        self.tick(at(7))  # Monday: 3 days after the first
        assert reminders() == Counter(dict.fromkeys(non_responders, 2))
        self.tick(at(7.9, 8))  # Tuesday before close: capped
        assert set(reminders().values()) == {REMINDER_MAX}
        assert self.responder not in reminders()

    def test_someone_who_answers_after_a_reminder_gets_no_further_one(self) -> None:
        self.tick(at(4))
        late = self.people[1].email
        key = self.round.round_items.first().item.key
        with time_machine.travel(at(4, 12), tick=False):
            response_submit(token=token_of(self.invs[late]), answers={key: 2})
        self.tick(at(7))
        assert reminders()[late] == 1
        assert reminders()[self.people[2].email] == 2

    @override_settings(EMAIL_BACKEND="tests.decisions.flaky_email.RefusingEmailBackend")
    def test_a_refused_address_does_not_block_the_other_reminders(self) -> None:
        # The one sending policy of core.links: refused addresses are skipped, not fatal.
        from tests.decisions.flaky_email import RefusingEmailBackend

        refused = self.people[1].email
        RefusingEmailBackend.refuse = {refused}
        try:
            with time_machine.travel(at(4), tick=False):
                assert reminders_send(round_id=self.round.pk) == 3
        finally:
            RefusingEmailBackend.refuse = set()
        assert reminders() == Counter({p.email: 1 for p in self.people[2:]})
        self.invs[refused].refresh_from_db()
        assert self.invs[refused].reminder_count == 0  # the claim was rolled back
        with time_machine.travel(at(4, 11), tick=False):
            assert reminders_send(round_id=self.round.pk) == 1
        assert reminders()[refused] == 1

    def test_no_reminder_on_a_weekend_in_the_orgs_time_zone(self) -> None:
        # Friday 20:00 UTC is already Saturday morning in Auckland.
        self.org.time_zone = "Pacific/Auckland"
        self.org.save()
        self.tick(dt.datetime(2026, 11, 20, 20, 0, tzinfo=UTC))
        assert reminders() == Counter()

    def test_the_tick_closes_the_round_on_schedule_and_then_reminds_nobody(self) -> None:
        result = self.tick(at(8, 9))  # Tuesday 09:00 = closes_at
        assert result["closed"] == 1
        self.round.refresh_from_db()
        assert self.round.status == "closed"
        self.tick(at(8, 10))
        assert reminders() == Counter()


def test_reminder_due_is_weekday_only_and_capped() -> None:
    tz = ZoneInfo("Europe/Berlin")
    opens, closes = MON, MON + dt.timedelta(days=8)
    kw = {"opens_at": opens, "closes_at": closes, "tz": tz}
    assert reminder_due(now=at(4), last_reminded_at=None, reminder_count=0, **kw)
    assert not reminder_due(now=at(5), last_reminded_at=None, reminder_count=0, **kw)  # Saturday
    assert not reminder_due(now=at(4, 22), last_reminded_at=None, reminder_count=0, **kw)  # night
    assert not reminder_due(now=at(7), last_reminded_at=at(6), reminder_count=1, **kw)  # too soon
    assert not reminder_due(now=at(7), last_reminded_at=at(4), reminder_count=REMINDER_MAX, **kw)
    assert not reminder_due(now=at(3), last_reminded_at=None, reminder_count=0, **kw)  # < half
