"""The decision register's services and bad input: dates, supersede cycles, history, delete."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEntry
from decisions.models import Decision, DecisionStatus, DecisionStatusChange
from decisions.services import decision_change_status, decision_delete, decision_update
from orgs.models import Organization
from tests.decisions.base import DecisionTestCase


class RegisterTests(DecisionTestCase):
    def test_it_logs_a_decision_with_its_first_history_row_and_audit(self) -> None:
        d = self.decide(context="Why: fewer merge conflicts", stakeholders=[self.sales_people[0]])
        assert d.status == DecisionStatus.DECIDED
        assert list(d.affected_teams.all()) == [self.platform]
        assert d.status_changes.count() == 1
        assert AuditEntry.objects.filter(
            action="decisions.decision.created", object_id=str(d.pk)
        ).exists()

    def test_it_rejects_a_decided_on_date_in_the_future(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=2)
        with self.assertRaises(ValidationError) as cm:
            self.decide(decided_on=tomorrow)
        assert "decided_on" in cm.exception.message_dict
        assert "future" in cm.exception.message_dict["decided_on"][0]
        assert not Decision.objects.exists()

    def test_future_is_judged_in_the_orgs_time_zone(self) -> None:
        import time_machine

        # 2026-03-01 20:00 UTC is already 2026-03-02 in Auckland (UTC+13).
        Organization.objects.filter(pk=self.org.pk).update(time_zone="Pacific/Auckland")
        self.org.refresh_from_db()
        with time_machine.travel(dt.datetime(2026, 3, 1, 20, tzinfo=dt.UTC), tick=False):
            d = self.decide(decided_on=dt.date(2026, 3, 2))
            assert d.pk
            with self.assertRaises(ValidationError):
                self.decide(decided_on=dt.date(2026, 3, 3))

    def test_a_decision_cannot_supersede_itself(self) -> None:
        d = self.decide()
        with self.assertRaises(ValidationError) as cm:
            decision_change_status(
                decision=d, actor=self.owner, to_status="superseded", superseded_by=d
            )
        assert cm.exception.message_dict["superseded_by"] == ["A decision cannot supersede itself."]
        d.refresh_from_db()
        assert d.status == DecisionStatus.DECIDED and d.status_changes.count() == 1

    def test_a_supersede_cycle_is_refused_with_the_chain_named(self) -> None:
        a, b, c = self.decide("A"), self.decide("B"), self.decide("C")
        decision_change_status(
            decision=a, actor=self.owner, to_status="superseded", superseded_by=b
        )
        decision_change_status(
            decision=b, actor=self.owner, to_status="superseded", superseded_by=c
        )
        with self.assertRaises(ValidationError) as cm:
            decision_update(decision=c, actor=self.owner, status="superseded", superseded_by=a)
        msg = cm.exception.message_dict["superseded_by"][0]
        assert "cycle" in msg and "“C” → “A” → “B” → “C”" in msg
        c.refresh_from_db()
        assert c.status == DecisionStatus.DECIDED and c.superseded_by is None

    def test_superseded_needs_a_successor(self) -> None:
        d = self.decide()
        with self.assertRaises(ValidationError) as cm:
            decision_change_status(decision=d, actor=self.owner, to_status="superseded")
        assert "superseded_by" in cm.exception.message_dict

    def test_status_changes_are_recorded_and_reopenings_counted(self) -> None:
        d = self.decide()
        decision_change_status(
            decision=d, actor=self.leader, to_status="being_revisited", note="again"
        )
        decision_change_status(decision=d, actor=self.leader, to_status="decided")
        decision_change_status(decision=d, actor=self.leader, to_status="reversed")
        history = list(d.status_changes.order_by("changed_at", "id"))
        assert [(h.from_status, h.to_status) for h in history] == [
            ("", "decided"),
            ("decided", "being_revisited"),
            ("being_revisited", "decided"),
            ("decided", "reversed"),
        ]
        assert [h.is_reopening for h in history] == [False, True, False, True]
        assert history[1].changed_by == self.leader and history[1].note == "again"
        from decisions.metrics import decision_results

        assert decision_results(org=self.org, decision_ids=[d.pk])[d.pk]["reopen_count"] == 2

    def test_same_status_again_records_nothing(self) -> None:
        d = self.decide()
        assert decision_change_status(decision=d, actor=self.owner, to_status="decided") is None
        assert DecisionStatusChange.objects.filter(decision=d).count() == 1

    def test_update_changes_fields_and_audits(self) -> None:
        d = self.decide()
        decision_update(
            decision=d, actor=self.owner, title="New title", affected_teams=[self.mobile]
        )
        d.refresh_from_db()
        assert d.title == "New title" and list(d.affected_teams.all()) == [self.mobile]
        assert AuditEntry.objects.filter(
            action="decisions.decision.updated", object_id=str(d.pk)
        ).exists()

    def test_people_of_another_org_are_refused(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            self.decide(owner=self.other_person)
        assert "owner" in cm.exception.message_dict

    def test_delete_removes_the_decision_and_audits(self) -> None:
        d = self.decide()
        pk = d.pk
        decision_delete(decision=d, actor=self.owner)
        assert not Decision.objects.filter(pk=pk).exists()
        assert AuditEntry.objects.filter(
            action="decisions.decision.deleted", object_id=str(pk)
        ).exists()
