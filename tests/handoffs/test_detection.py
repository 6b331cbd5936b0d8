"""Handoff events found in a work-item history: assignee change, team change, change and back;
people matched by email, then by exact name, the rest listed and never guessed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core import registry
from handoffs.models import HandoffEvent, HandoffSource
from handoffs.selectors import handoff_unmatched
from handoffs.services import handoffs_from_history
from tests.base import BaseTestCase
from tests.factories import person_make
from tests.handoffs.helpers import event_make, item_make


class HistoryDetectionTests(BaseTestCase):
    def setUp(self) -> None:
        self.ana = person_make(
            org=self.org, team=self.platform, name="Ana Lima", email="ana@x.example"
        )
        self.ben = person_make(
            org=self.org, team=self.sales, name="Ben Kofi", email="ben@x.example"
        )
        self.t0 = timezone.now() - dt.timedelta(days=10)

    def test_assignee_change_within_a_team_is_an_event_of_that_team(self) -> None:
        item = item_make(org=self.org, team=self.platform, key="P-1", assignee="ana@x.example")
        event_make(item=item, field="assignee", frm="ana@x.example", to="Mia Member", at=self.t0)
        handoffs_from_history(org=self.org)
        ev = HandoffEvent.objects.get(organization=self.org)
        assert (ev.from_team_id, ev.to_team_id) == (self.platform.pk, self.platform.pk)
        assert (ev.from_person, ev.to_person) == (self.ana, self.member_person)
        assert ev.source == HandoffSource.HISTORY and ev.item_ref == "jira:P-1"

    def test_team_change_is_a_handoff_between_two_of_our_teams(self) -> None:
        item = item_make(org=self.org, team=self.sales, key="P-2", assignee="Ana Lima")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=self.t0)
        handoffs_from_history(org=self.org)
        ev = HandoffEvent.objects.get(organization=self.org)
        assert (ev.from_team_id, ev.to_team_id) == (self.platform.pk, self.sales.pk)
        assert ev.from_person == self.ana  # the assignee at that moment, matched by name

    def test_a_team_move_with_a_new_assignee_goes_from_the_old_assignee_to_the_new(self) -> None:
        item = item_make(org=self.org, team=self.platform, key="P-5", assignee="ana@x.example")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=self.t0)
        event_make(
            item=item,
            field="assignee",
            frm="ana@x.example",
            to="ben@x.example",
            at=self.t0 + dt.timedelta(minutes=3),
        )
        handoffs_from_history(org=self.org)
        ev = HandoffEvent.objects.get(organization=self.org, from_team=self.platform)
        assert ev.to_team_id == self.sales.pk
        assert (ev.from_person, ev.to_person) == (self.ana, self.ben)  # both sides can be asked

    def test_change_and_back_gives_two_handoffs_and_rescanning_adds_none(self) -> None:
        item = item_make(org=self.org, team=self.platform, key="P-3", assignee="ana@x.example")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=self.t0)
        event_make(
            item=item, field="team", frm="Sales", to="Platform", at=self.t0 + dt.timedelta(days=2)
        )
        first = handoffs_from_history(org=self.org)
        again = handoffs_from_history(org=self.org)
        pairs = list(HandoffEvent.objects.order_by("at").values_list("from_team_id", "to_team_id"))
        assert pairs == [(self.platform.pk, self.sales.pk), (self.sales.pk, self.platform.pk)]
        assert (first.created, again.created) == (2, 0)

    def test_a_team_that_is_not_ours_is_no_handoff(self) -> None:
        item = item_make(org=self.org, team=self.platform, key="P-4")
        event_make(item=item, field="team", frm="Vendor X", to="Platform", at=self.t0)
        assert handoffs_from_history(org=self.org).found == 0

    def test_unmatched_people_are_listed_not_guessed(self) -> None:
        person_make(org=self.org, team=self.sales, name="Sam Same", email="s1@x.example")
        person_make(org=self.org, team=self.sales, name="Sam Same", email="s2@x.example")
        item = item_make(org=self.org, team=self.platform, key="P-5", assignee="Ana L.")
        event_make(item=item, field="assignee", frm="Ana L.", to="Sam Same", at=self.t0)
        handoffs_from_history(org=self.org)
        ev = HandoffEvent.objects.get(organization=self.org)
        assert ev.from_person is None and ev.to_person is None
        assert handoff_unmatched(org=self.org) == ["Ana L.", "Sam Same"]

    def test_deleting_the_work_item_deletes_its_handoffs(self) -> None:
        item = item_make(org=self.org, team=self.sales, key="P-6", assignee="ben@x.example")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=self.t0)
        handoffs_from_history(org=self.org)
        item.delete()
        assert not HandoffEvent.objects.filter(organization=self.org).exists()


class ImportHookTests(BaseTestCase):
    def test_an_execution_import_announcement_scans_the_history_after_commit(self) -> None:
        item = item_make(org=self.org, team=self.sales, key="H-1", assignee="x")
        event_make(item=item, field="team", frm="Platform", to="Sales", at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            registry.work_items_imported.announce(self.org.pk)
        assert HandoffEvent.objects.filter(organization=self.org).count() == 1


class HandoffGdprTests(BaseTestCase):
    def test_erasure_deletes_check_ins_and_unlinks_handoffs_never_answers(self) -> None:
        from handoffs.gdpr import person_handoff_data, person_handoff_erase
        from handoffs.models import HandoffAnswer, HandoffCheckIn, Side
        from tests.handoffs.helpers import answered_pair, checkin_sent, handoff_make

        ana = person_make(org=self.org, team=self.platform)
        h = handoff_make(org=self.org, from_team=self.platform, to_team=self.sales, from_person=ana)
        checkin_sent(handoff=h, person=ana, side=Side.SENDER)
        answered_pair(
            org=self.org, from_team=self.platform, to_team=self.sales, senders=[], receivers=[]
        )
        assert person_handoff_data(ana)["handoff_checkins_asked"] == 1
        counts = person_handoff_erase(ana)
        assert counts == {"handoff_checkins": 1, "handoff_events_unlinked": 1}
        h.refresh_from_db()
        assert h.from_person is None and not HandoffCheckIn.objects.filter(person=ana).exists()
        assert HandoffAnswer.objects.count() == 0  # nothing to touch: answers hold no person
