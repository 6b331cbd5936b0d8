"""Follow-up with frozen time: the owner's reminder before the due date, "did this happen?"
links after it (once each), the answers, used/expired links, and silence marked waiting."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.urls import reverse

from orgs.models import Person
from tests.base import BaseTestCase
from tests.factories import person_make, token_from_email
from tests.workshops.helpers import workshop_make
from workshops.models_commitments import Commitment, CommitmentStatus, FollowUpAnswer, FollowUpLink
from workshops.selectors_followthrough import followup_answers
from workshops.services import commitment_create
from workshops.tasks import follow_up_org_commitments

DUE = dt.date(2026, 6, 20)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


class FollowUpTests(BaseTestCase):
    def setUp(self) -> None:
        self.owner_person = person_make(
            org=self.org, name="Olga Owner", email="olga@example.com", team=self.platform
        )
        self.others = [
            person_make(org=self.org, name=f"P{i}", email=f"p{i}@example.com", team=self.platform)
            for i in range(5)
        ]
        self.workshop = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator
        )
        with time_machine.travel(at(DUE - dt.timedelta(days=10)), tick=False):
            self.c = commitment_create(
                workshop=self.workshop,
                actor=self.facilitator,
                what="Write the runbook",
                owner=self.owner_person,
                due_on=DUE,
            )

    def run_pass(self, day: dt.date) -> dict[str, int]:
        with time_machine.travel(at(day), tick=False):
            return follow_up_org_commitments(self.org.pk)

    def answer(self, token: str, answer: str, day: dt.date) -> int:
        with time_machine.travel(at(day, 12), tick=False):
            r = self.client.post(
                reverse("workshops:followup_form"), {"token": token, "answer": answer}
            )
        return r.status_code

    def test_the_owner_is_reminded_once_two_days_before_the_due_date(self) -> None:
        self.assertEqual(self.run_pass(DUE - dt.timedelta(days=3))["reminded"], 0)
        self.assertEqual(self.run_pass(DUE - dt.timedelta(days=2))["reminded"], 1)
        self.assertEqual(self.run_pass(DUE - dt.timedelta(days=1))["reminded"], 0)
        self.assertEqual([m.to for m in mail.outbox], [["olga@example.com"]])
        self.assertIn("Write the runbook", mail.outbox[0].subject)

    def test_after_the_due_date_owner_and_team_get_one_link_each(self) -> None:
        self.assertEqual(self.run_pass(DUE)["sent"], 0)  # not before the day is over
        out = self.run_pass(DUE + dt.timedelta(days=1))
        team = Person.objects.filter(team=self.platform, is_active=True).count()
        self.assertEqual(out["sent"], team)
        self.assertEqual(FollowUpLink.objects.filter(is_owner=True).count(), 1)
        self.assertEqual(self.run_pass(DUE + dt.timedelta(days=2))["sent"], 0)  # idempotent
        self.assertEqual(FollowUpLink.objects.count(), team)

    def _tokens(self) -> dict[str, str]:
        self.run_pass(DUE + dt.timedelta(days=1))
        return {
            m.to[0]: token_from_email(m.body, landing="/workshops/f/")
            for m in mail.outbox
            if "Did this happen" in m.subject
        }

    def test_the_owners_answer_sets_the_status_and_a_second_answer_is_410(self) -> None:
        tokens = self._tokens()
        day = DUE + dt.timedelta(days=2)
        # The landing page opens; posting the link shows the question.
        self.assertEqual(self.client.get(reverse("workshops:followup_open")).status_code, 200)
        with time_machine.travel(at(day), tick=False):
            r = self.client.post(
                reverse("workshops:followup_form"),
                {"link": f"http://x/workshops/f/#{tokens['olga@example.com']}"},
            )
        self.assertContains(r, "Did it happen?")
        self.assertEqual(self.answer(tokens["olga@example.com"], "bogus", day), 400)
        self.assertEqual(self.answer(tokens["olga@example.com"], "done", day), 200)
        self.c.refresh_from_db()
        self.assertEqual(self.c.status, CommitmentStatus.DONE)
        self.assertIsNotNone(self.c.done_at)
        self.assertEqual(self.answer(tokens["olga@example.com"], "dropped", day), 410)
        self.c.refresh_from_db()
        self.assertEqual(self.c.status, CommitmentStatus.DONE)
        self.assertEqual(FollowUpAnswer.objects.count(), 0)  # the owner's answer is the status

    def test_team_answers_are_anonymous_and_shown_only_from_k(self) -> None:
        tokens = self._tokens()
        team = [t for email, t in tokens.items() if email != "olga@example.com"]
        day = DUE + dt.timedelta(days=2)
        for t in team[: self.org.k - 1]:
            self.assertEqual(self.answer(t, "partly", day), 200)
        summary = followup_answers(commitment=self.c)
        self.assertFalse(summary.shown)
        self.assertEqual(summary.counts, {})
        self.assertEqual(FollowUpAnswer.objects.count(), 0)  # buffered until k
        with self.captureOnCommitCallbacks(execute=True):  # the flush queued after the answer
            self.assertEqual(self.answer(team[self.org.k - 1], "done", day), 200)
        summary = followup_answers(commitment=self.c)
        self.assertTrue(summary.shown)
        self.assertEqual(summary.counts["Partly"], self.org.k - 1)
        self.assertEqual(FollowUpAnswer.objects.count(), self.org.k)
        self.c.refresh_from_db()
        self.assertEqual(self.c.status, CommitmentStatus.OPEN)  # only the owner sets it

    def test_an_expired_or_unknown_link_is_a_clear_page_and_stores_nothing(self) -> None:
        tokens = self._tokens()
        self.assertEqual(
            self.answer(tokens["olga@example.com"], "done", DUE + dt.timedelta(days=40)), 410
        )
        self.assertEqual(
            self.answer("not-a-real-token-at-all", "done", DUE + dt.timedelta(days=2)), 404
        )
        self.c.refresh_from_db()
        self.assertEqual(self.c.status, CommitmentStatus.OPEN)
        self.assertFalse(FollowUpAnswer.objects.exists())

    def test_silence_after_the_due_date_is_marked_waiting_with_its_age(self) -> None:
        self.run_pass(DUE + dt.timedelta(days=1))
        self.assertEqual(self.run_pass(DUE + dt.timedelta(days=6))["waiting"], 0)
        self.assertEqual(self.run_pass(DUE + dt.timedelta(days=7))["waiting"], 1)
        self.c.refresh_from_db()
        self.assertEqual(self.c.status, CommitmentStatus.WAITING)
        self.login(self.facilitator)
        with time_machine.travel(at(DUE + dt.timedelta(days=9)), tick=False):
            r = self.client.get(reverse("workshops:detail", args=[self.workshop.pk]))
        self.assertContains(r, "for 9 days")

    def test_the_owner_can_still_answer_a_waiting_commitment(self) -> None:
        tokens = self._tokens()
        self.run_pass(DUE + dt.timedelta(days=8))
        self.assertEqual(
            self.answer(tokens["olga@example.com"], "not_yet", DUE + dt.timedelta(days=9)), 200
        )
        self.assertEqual(Commitment.objects.get().status, CommitmentStatus.SLIPPED)

    def test_the_commitments_table_shows_when_the_reminder_and_the_question_go_out(self) -> None:
        self.login(self.facilitator)
        url = reverse("workshops:detail", args=[self.workshop.pk])
        with time_machine.travel(at(DUE - dt.timedelta(days=5)), tick=False):
            page = self.client.get(url).content.decode()
        self.assertIn("reminder to the owner 2026-06-18", page)
        self.assertIn("“did this happen?” asked 2026-06-21", page)
        self.run_pass(DUE - dt.timedelta(days=2))
        self.run_pass(DUE + dt.timedelta(days=1))
        with time_machine.travel(at(DUE + dt.timedelta(days=2)), tick=False):
            page = self.client.get(url).content.decode()
        self.assertIn("owner reminded 2026-06-18", page)
        self.assertIn("“did this happen?” asked 2026-06-21", page)
