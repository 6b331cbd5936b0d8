"""Recording commitments: validation (past due date, owner of another org), logging as a
decision with the workshop source, status changes and the follow-through rate."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from decisions.models import Decision, DecisionSource
from tests.base import BaseTestCase
from tests.factories import person_make
from tests.workshops.helpers import workshop_make
from workshops.models_commitments import Commitment, CommitmentStatus
from workshops.releases import followthrough_publish
from workshops.selectors_followthrough import follow_through, follow_through_total
from workshops.services import commitment_create, commitment_status_set

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class CommitmentTests(BaseTestCase):
    def setUp(self) -> None:
        self.workshop = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator
        )

    def test_a_due_date_in_the_past_is_refused_with_a_message_and_nothing_stored(self) -> None:
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:commitment_create", args=[self.workshop.pk]),
            {"what": "Write the runbook", "owner": self.member_person.pk, "due_on": "2026-06-01"},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "is in the past", status_code=400)
        self.assertFalse(Commitment.objects.exists())

    def test_an_owner_from_another_org_is_refused(self) -> None:
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:commitment_create", args=[self.workshop.pk]),
            {"what": "Write the runbook", "owner": self.other_person.pk, "due_on": "2026-06-20"},
        )
        self.assertContains(r, "Choose an owner from your organization", status_code=400)
        self.assertFalse(Commitment.objects.exists())

    def test_garbage_input_is_a_clear_400_not_a_500(self) -> None:
        self.login(self.facilitator)
        url = reverse("workshops:commitment_create", args=[self.workshop.pk])
        for data in (
            {"what": "", "owner": "x", "due_on": "soon"},
            {"what": "y" * 400, "owner": "", "due_on": "2026-07-01"},
        ):
            with self.subTest(data=data):
                self.assertEqual(self.client.post(url, data).status_code, 400)
        self.assertFalse(Commitment.objects.exists())

    def test_the_facilitator_records_a_commitment_and_logs_it_as_a_workshop_decision(self) -> None:
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:commitment_create", args=[self.workshop.pk]),
            {
                "what": "Publish the release rule",
                "owner": self.member_person.pk,
                "due_on": "2026-06-20",
                "log_as_decision": "1",
            },
        )
        self.assertEqual(r.status_code, 302)
        c = Commitment.objects.get()
        self.assertEqual(
            (c.owner, c.due_on, c.status), (self.member_person, dt.date(2026, 6, 20), "open")
        )
        decision = Decision.objects.get()
        self.assertEqual(decision.source, DecisionSource.WORKSHOP)
        self.assertEqual(c.decision, decision)
        self.assertIn(self.platform, decision.affected_teams.all())
        # Logging again changes nothing.
        self.client.post(reverse("workshops:commitment_decision", args=[c.pk]))
        self.assertEqual(Decision.objects.count(), 1)

    def test_follow_through_counts_due_commitments_and_median_days_to_done(self) -> None:
        k = self.org.k  # a rate is released over at least k commitment owners
        owners = [person_make(org=self.org, team=self.platform, name=f"O{i}") for i in range(k)]
        with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False):
            a, b, *_rest = (
                commitment_create(
                    workshop=self.workshop,
                    actor=self.facilitator,
                    what=f"commitment {i}",
                    owner=owner,
                    due_on=dt.date(2026, 5, 20),
                )
                for i, owner in enumerate(owners)
            )
        commitment_create(
            workshop=self.workshop,
            actor=self.facilitator,
            what="later",
            owner=self.member_person,
            due_on=dt.date(2026, 7, 1),
        )
        with time_machine.travel(dt.datetime(2026, 5, 11, 9, tzinfo=dt.UTC), tick=False):
            commitment_status_set(commitment=a, actor=None, status=CommitmentStatus.DONE)
        commitment_status_set(commitment=b, actor=None, status=CommitmentStatus.DROPPED)
        self.assertEqual(
            follow_through(org=self.org, team_id=self.platform.pk), []
        )  # released only
        followthrough_publish(org=self.org)
        rows = follow_through(org=self.org, team_id=self.platform.pk)
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0].period, rows[0].due, rows[0].done), (dt.date(2026, 5, 1), k, 1))
        self.assertAlmostEqual(rows[0].rate or 0, 100 / k)
        self.assertEqual(rows[0].median_days_to_done, 10.0)
        # Engineering includes Platform; Sales has nothing due.
        self.assertEqual(follow_through_total(org=self.org, team_id=self.eng.pk).due, k)
        self.assertIsNone(follow_through_total(org=self.org, team_id=self.sales.pk).rate)

    def test_service_refuses_past_due_dates(self) -> None:
        with self.assertRaises(ValidationError):
            commitment_create(
                workshop=self.workshop,
                actor=None,
                what="x",
                owner=self.member_person,
                due_on=dt.date(2026, 6, 9),
            )


@time_machine.travel(NOW, tick=False)
class CommitmentEditTests(BaseTestCase):
    def setUp(self) -> None:
        self.workshop = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator
        )
        self.c = commitment_create(
            workshop=self.workshop,
            actor=self.facilitator,
            what="Write the runbook",
            owner=self.member_person,
            due_on=dt.date(2026, 6, 20),
        )
        self.url = reverse("workshops:commitment_edit", args=[self.c.pk])

    def test_the_facilitator_edits_what_owner_and_due_date_and_it_is_audited(self) -> None:
        other = person_make(org=self.org, team=self.platform, name="Olu Other")
        Commitment.objects.filter(pk=self.c.pk).update(reminded_at=NOW)
        self.login(self.facilitator)
        r = self.client.post(
            self.url,
            {"what": "Write the on-call runbook", "owner": other.pk, "due_on": "2026-07-01"},
        )
        self.assertRedirects(r, reverse("workshops:detail", args=[self.workshop.pk]))
        self.c.refresh_from_db()
        self.assertEqual(
            (self.c.what, self.c.owner_id, self.c.due_on),
            ("Write the on-call runbook", other.pk, dt.date(2026, 7, 1)),
        )
        self.assertIsNone(self.c.reminded_at)  # the new date gets its own reminder
        entry = AuditEntry.objects.filter(action="workshops.commitment.updated").get()
        self.assertEqual(entry.actor_id, self.facilitator.pk)
        self.assertEqual(entry.changes["due_on"], {"from": "2026-06-20", "to": "2026-07-01"})

    def test_bad_edits_say_why_and_change_nothing(self) -> None:
        self.login(self.facilitator)
        for data, why in (
            ({"what": "x", "owner": self.member_person.pk, "due_on": "2026-06-01"}, "in the past"),
            ({"what": "x", "owner": self.other_person.pk, "due_on": "2026-06-20"}, "organization"),
            ({"what": "", "owner": self.member_person.pk, "due_on": "2026-06-20"}, "Say what"),
            ({"what": "x", "owner": self.member_person.pk, "due_on": "soon"}, "YYYY-MM-DD"),
        ):
            with self.subTest(why=why):
                r = self.client.post(self.url, data)
                self.assertContains(r, why, status_code=400)
        self.c.refresh_from_db()
        self.assertEqual(self.c.what, "Write the runbook")
        self.assertFalse(AuditEntry.objects.filter(action="workshops.commitment.updated").exists())

    def test_a_leader_cannot_edit(self) -> None:
        self.login(self.leader)
        r = self.client.post(
            self.url, {"what": "x", "owner": self.member_person.pk, "due_on": "2026-06-20"}
        )
        self.assertEqual(r.status_code, 403)
