"""Handoff check-ins: the delay in working days and the weekly cap (frozen time), never within
one team, each side's questions, answer once, 410 for used, expired or deleted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from handoffs.checkins import (
    HandoffCheckInDeleted,
    HandoffCheckInExpired,
    HandoffCheckInUsed,
    handoff_checkin_send,
    handoff_checkin_submit,
    handoff_checkins_create_due,
    working_days_after,
)
from handoffs.flush import handoff_answers_flush, handoff_windows_close
from handoffs.models import (
    HandoffAnswer,
    HandoffCheckIn,
    HandoffInviteCount,
    PendingHandoffAnswer,
    Side,
)
from tests.base import BaseTestCase
from tests.factories import person_make, token_from_email
from tests.handoffs.helpers import checkin_sent, event_make, handoff_make, item_make

UTC = dt.UTC
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class DelayAndCapTests(BaseTestCase):
    def setUp(self) -> None:
        self.sender = person_make(org=self.org, team=self.platform, name="Sid")
        self.receiver = person_make(org=self.org, team=self.sales, name="Rae")

    def _handoff(self, at: dt.datetime, **kw: object) -> object:
        return handoff_make(
            org=self.org,
            from_team=self.platform,
            to_team=self.sales,
            from_person=self.sender,
            to_person=self.receiver,
            at=at,
            **kw,  # type: ignore[arg-type]
        )

    def test_working_days_skip_the_weekend(self) -> None:
        assert working_days_after(dt.date(2026, 3, 2), 2) == dt.date(2026, 3, 4)  # Mon → Wed
        assert working_days_after(dt.date(2026, 3, 6), 2) == dt.date(2026, 3, 10)  # Fri → Tue

    def test_both_sides_are_asked_two_working_days_after_the_handoff(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            self._handoff(MONDAY)
        with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
            assert handoff_checkins_create_due(org=self.org) == []
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            ids = handoff_checkins_create_due(org=self.org)
        sides = dict(HandoffCheckIn.objects.values_list("person_id", "side"))
        assert len(ids) == 2
        assert sides == {self.sender.pk: Side.SENDER, self.receiver.pk: Side.RECEIVER}

    @override_settings(HANDOFF_CHECKIN_DELAY_WORKING_DAYS=4)
    def test_the_delay_is_a_setting(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            self._handoff(MONDAY)
        with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
            assert handoff_checkins_create_due(org=self.org) == []
        with time_machine.travel(MONDAY + dt.timedelta(days=4), tick=False):
            assert len(handoff_checkins_create_due(org=self.org)) == 2

    def test_nobody_is_asked_more_than_two_a_week_and_next_week_counts_afresh(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for i in range(5):
                self._handoff(MONDAY + dt.timedelta(minutes=i), item=f"I-{i}")
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            handoff_checkins_create_due(org=self.org)
            handoff_checkins_create_due(org=self.org)  # a second run adds nothing
        per_person = HandoffCheckIn.objects.filter(person=self.receiver)
        assert per_person.count() == 2
        with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
            handoff_checkins_create_due(org=self.org)
        assert per_person.count() == 4  # the next week: two more of the still-eligible ones

    @override_settings(HANDOFF_CHECKINS_PER_WEEK=1)
    def test_the_cap_is_a_setting(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for i in range(3):
                self._handoff(MONDAY + dt.timedelta(minutes=i), item=f"I-{i}")
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            handoff_checkins_create_due(org=self.org)
        assert HandoffCheckIn.objects.filter(person=self.sender).count() == 1

    def test_an_old_handoff_asks_nobody(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            self._handoff(MONDAY)
        with time_machine.travel(MONDAY + dt.timedelta(days=30), tick=False):
            assert handoff_checkins_create_due(org=self.org) == []

    def test_never_about_a_handoff_within_their_own_team(self) -> None:
        colleague = person_make(org=self.org, team=self.platform)
        with time_machine.travel(MONDAY, tick=False):
            handoff_make(
                org=self.org,
                from_team=self.platform,
                to_team=self.platform,
                from_person=self.sender,
                to_person=colleague,
                at=MONDAY,
            )
            # Recorded as Sales → Platform, but the sender belongs to Platform: for them it is
            # a handoff within their own team; the receiver is asked.
            handoff_make(
                org=self.org,
                from_team=self.sales,
                to_team=self.platform,
                from_person=colleague,
                to_person=self.sender,
                at=MONDAY,
                item="X",
            )
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            handoff_checkins_create_due(org=self.org)
        asked = list(HandoffCheckIn.objects.values_list("person_id", "side"))
        assert asked == [(self.sender.pk, Side.RECEIVER)]


class AnswerTests(BaseTestCase):
    def setUp(self) -> None:
        self.sender = person_make(org=self.org, team=self.platform, name="Sid Sender")
        self.receiver = person_make(org=self.org, team=self.sales, name="Rae Receiver")
        self.handoff = handoff_make(
            org=self.org,
            from_team=self.platform,
            to_team=self.sales,
            from_person=self.sender,
            to_person=self.receiver,
            item="PAY-7",
        )

    def test_the_email_carries_a_fragment_link_that_opens_the_receiver_questions(self) -> None:
        inv, _ = checkin_sent(handoff=self.handoff, person=self.receiver, side=Side.RECEIVER)
        HandoffCheckIn.objects.filter(pk=inv.pk).update(sent_at=None)
        assert handoff_checkin_send(checkin_id=inv.pk)
        assert not handoff_checkin_send(checkin_id=inv.pk)  # sent exactly once
        assert len(mail.outbox) == 1 and "PAY-7" in mail.outbox[0].subject
        token = token_from_email(mail.outbox[0].body, landing="/handoffs/c/")
        page = self.client.post("/handoffs/c/answer/", {"link": f"x/handoffs/c/#{token}"})
        assert page.status_code == 200
        assert "I had the context I needed" in page.content.decode()
        done = self.client.post(
            "/handoffs/c/answer/", {"token": token, "context": "2", "chased": "several"}
        )
        assert done.status_code == 200 and "Thank you" in done.content.decode()
        again = self.client.post(
            "/handoffs/c/answer/", {"token": token, "context": "2", "chased": "several"}
        )
        assert again.status_code == 410
        assert PendingHandoffAnswer.objects.count() == 1

    def test_a_used_link_is_gone_and_nothing_is_stored_twice(self) -> None:
        _inv, token = checkin_sent(handoff=self.handoff, person=self.sender, side=Side.SENDER)
        handoff_checkin_submit(raw_token=token, data={"handed": "5"})
        with pytest.raises(HandoffCheckInUsed):
            handoff_checkin_submit(raw_token=token, data={"handed": "5"})
        assert PendingHandoffAnswer.objects.count() == 1

    def test_bad_values_store_nothing(self) -> None:
        _inv, token = checkin_sent(handoff=self.handoff, person=self.receiver, side=Side.RECEIVER)
        with pytest.raises(ValidationError):
            handoff_checkin_submit(raw_token=token, data={"context": "9", "chased": "always"})
        assert not PendingHandoffAnswer.objects.exists()
        assert not HandoffCheckIn.objects.filter(used=True).exists()

    def test_an_expired_link_is_gone_also_after_its_window_was_reduced_to_counts(self) -> None:
        _inv, token = checkin_sent(handoff=self.handoff, person=self.sender, side=Side.SENDER)
        later = timezone.now() + dt.timedelta(days=20)
        with time_machine.travel(later):
            with pytest.raises(HandoffCheckInExpired):
                handoff_checkin_submit(raw_token=token, data={"handed": "4"})
            assert handoff_windows_close(org=self.org) == 1
            with pytest.raises(HandoffCheckInExpired):
                handoff_checkin_submit(raw_token=token, data={"handed": "4"})
        assert not HandoffCheckIn.objects.exists()
        count = HandoffInviteCount.objects.get()
        assert (count.invited, count.answered, count.side) == (1, 0, Side.SENDER)
        page = self.client.post("/handoffs/c/answer/", {"token": token, "handed": "4"})
        assert page.status_code == 410

    def test_a_check_in_about_a_deleted_item_is_gone_with_a_clear_message(self) -> None:
        item = item_make(org=self.org, team=self.sales, key="DEL-1", assignee="x")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=timezone.now())
        self.handoff.work_item = item
        self.handoff.save()
        _inv, token = checkin_sent(handoff=self.handoff, person=self.sender, side=Side.SENDER)
        item.delete()
        with pytest.raises(HandoffCheckInDeleted):
            handoff_checkin_submit(raw_token=token, data={"handed": "4"})
        page = self.client.post("/handoffs/c/answer/", {"token": token, "handed": "4"})
        assert page.status_code == 410 and "deleted" in page.content.decode()

    def test_answers_leave_the_buffer_only_in_groups_of_k(self) -> None:
        k = self.org.k
        for i in range(k):
            p = person_make(org=self.org, team=self.platform)
            h = handoff_make(
                org=self.org, from_team=self.platform, to_team=self.sales, item=f"K-{i}"
            )
            _inv, token = checkin_sent(handoff=h, person=p, side=Side.SENDER)
            handoff_checkin_submit(raw_token=token, data={"handed": "4"})
            written = handoff_answers_flush(org=self.org)
            assert written == (k if i == k - 1 else 0)
        assert HandoffAnswer.objects.count() == k and not PendingHandoffAnswer.objects.exists()
