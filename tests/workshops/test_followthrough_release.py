"""The follow-through figures are released, not computed per request: a rate over at least k
commitment owners, a team-answer summary over at least k answers (people), and every shown
set checked against the org's release ledger (earlier releases and bigger cells of this one)."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from django.urls import reverse
from django.utils import timezone

from orgs.models import Person, Team
from orgs.models_ledger import ReleasedSet
from tests.base import BaseTestCase
from tests.factories import person_make
from tests.workshops.helpers import workshop_make
from workshops.models import Workshop
from workshops.models_commitments import Commitment, CommitmentStatus, FollowUpAnswer
from workshops.releases import followthrough_publish
from workshops.selectors_followthrough import (
    FOLLOWTHROUGH_SOURCE,
    follow_through_total,
    followup_answers,
)
from workshops.services import commitment_status_set

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)
DUE = dt.date(2026, 6, 1)


@time_machine.travel(NOW, tick=False)
class FollowThroughReleaseTests(BaseTestCase):
    def setUp(self) -> None:
        self.k = self.org.k
        self.ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        self.mobile_ws = workshop_make(org=self.org, team=self.mobile, facilitator=self.facilitator)

    def owners(self, n: int, team: Team | None = None) -> list[Person]:
        return [
            person_make(
                org=self.org, team=team or self.platform, name=f"Owner {uuid.uuid4().hex[:6]}"
            )
            for _ in range(n)
        ]

    def due(
        self, owners: list[Person], status: str = CommitmentStatus.OPEN, ws: Workshop | None = None
    ) -> list[Commitment]:
        return [
            Commitment.objects.create(
                organization=self.org,
                workshop=ws or self.ws,
                what=f"thing {o.name}",
                owner=o,
                due_on=DUE,
                status=status,
                created_at=timezone.now() - dt.timedelta(days=30),
            )
            for o in owners
        ]

    def test_a_rate_over_fewer_than_k_owners_is_hidden_with_the_reason_and_no_numbers(
        self,
    ) -> None:
        one = self.owners(1)
        self.due(one * self.k, CommitmentStatus.DONE)  # many commitments, one person
        followthrough_publish(org=self.org)
        total = follow_through_total(org=self.org, team_id=self.platform.pk)
        self.assertTrue(total.suppressed)
        self.assertIsNone(total.rate)
        self.assertEqual((total.due, total.done), (0, 0))
        self.assertIn(f"fewer than {self.k} commitment owners", total.reason)
        self.login(self.leader)
        page = self.client.get(reverse("workshops:detail", args=[self.ws.pk])).content.decode()
        self.assertIn("Follow-through withheld", page)
        self.assertNotIn("due commitments done", page)

    def test_pages_read_the_release_not_the_live_status(self) -> None:
        cs = self.due(self.owners(self.k))
        followthrough_publish(org=self.org)
        self.assertEqual(follow_through_total(org=self.org, team_id=self.platform.pk).done, 0)
        commitment_status_set(commitment=cs[0], actor=None, status=CommitmentStatus.DONE)
        self.assertEqual(follow_through_total(org=self.org, team_id=self.platform.pk).done, 0)
        followthrough_publish(org=self.org)
        self.assertEqual(follow_through_total(org=self.org, team_id=self.platform.pk).done, 1)

    def test_a_set_one_commitment_away_from_a_released_one_keeps_the_old_figure(self) -> None:
        self.due(self.owners(self.k), CommitmentStatus.DONE)
        followthrough_publish(org=self.org)
        first = follow_through_total(org=self.org, team_id=self.platform.pk)
        self.assertEqual((first.due, first.done, first.held), (self.k, self.k, False))
        # One more commitment falls due: done/due now would tell its status by subtraction.
        self.due(self.owners(1), CommitmentStatus.SLIPPED)
        followthrough_publish(org=self.org)
        held = follow_through_total(org=self.org, team_id=self.platform.pk)
        self.assertEqual((held.due, held.done, held.held), (self.k, self.k, True))
        # k more: far enough from every released set to be released.
        self.due(self.owners(self.k - 1), CommitmentStatus.SLIPPED)
        followthrough_publish(org=self.org)
        new = follow_through_total(org=self.org, team_id=self.platform.pk)
        self.assertEqual((new.due, new.done, new.held), (2 * self.k, self.k, False))

    def test_a_sub_team_a_few_commitments_away_from_its_parent_is_not_both_shown(self) -> None:
        self.due(self.owners(self.k), CommitmentStatus.DONE)  # Platform
        self.due(self.owners(1, self.mobile), CommitmentStatus.DROPPED, ws=self.mobile_ws)
        followthrough_publish(org=self.org)
        eng = follow_through_total(org=self.org, team_id=self.eng.pk)
        platform = follow_through_total(org=self.org, team_id=self.platform.pk)
        self.assertFalse(eng.suppressed)  # the bigger cell first
        self.assertTrue(platform.suppressed)
        self.assertIn("released earlier", platform.reason)

    def test_shown_sets_are_recorded_in_the_ledger_under_the_workshop_measure(self) -> None:
        self.due(self.owners(self.k), CommitmentStatus.DONE)
        followthrough_publish(org=self.org)
        measures = set(
            ReleasedSet.objects.filter(organization=self.org).values_list("measure", flat=True)
        )
        self.assertEqual(measures, {"workshops:follow_through"})
        before = ReleasedSet.objects.count()
        followthrough_publish(org=self.org)  # nothing changed: nothing new recorded
        self.assertEqual(ReleasedSet.objects.count(), before)

    def test_team_answers_are_released_from_k_answers_on(self) -> None:
        (c,) = self.due(self.owners(1))
        rows = [
            FollowUpAnswer(organization=self.org, commitment=c, answer="done", answered_on=DUE)
            for _ in range(self.k - 1)
        ]
        FollowUpAnswer.objects.bulk_create(rows)
        followthrough_publish(org=self.org)
        hidden = followup_answers(commitment=c)
        self.assertFalse(hidden.shown)
        self.assertEqual((hidden.n, hidden.counts), (0, {}))
        FollowUpAnswer.objects.create(
            organization=self.org, commitment=c, answer="partly", answered_on=DUE
        )
        self.assertFalse(followup_answers(commitment=c).shown)  # not until released
        followthrough_publish(org=self.org)
        shown = followup_answers(commitment=c)
        self.assertTrue(shown.shown)
        self.assertEqual(shown.counts["Done"], self.k - 1)
        self.assertEqual(shown.counts["Partly"], 1)

    def test_the_result_source_cell_is_the_released_one_and_hidden_without_numbers(
        self,
    ) -> None:
        one = self.owners(1)
        self.due(one * 2)
        followthrough_publish(org=self.org)
        period = dt.date(2026, 6, 1)
        cells = FOLLOWTHROUGH_SOURCE.cells(self.org, [(self.platform.pk, period)])
        cell = cells[(self.platform.pk, period)]
        self.assertTrue(cell.suppressed)
        self.assertIsNone(cell.score)
        self.assertNotIn("rate_pct", cell.payload)
        self.assertNotIn("due", cell.payload)
