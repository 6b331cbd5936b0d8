"""Every card of Deliver 1 is on the overview with a link to its detail — items waiting longest,
open and slipped workshop commitments, what changed — within the reader's teams; and the
employee's home lists their team's commitments (Deliver 10)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.dashboards.test_dashboard import DashboardTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, run_import
from tests.workshops.helpers import workshop_make
from workshops.models_commitments import Commitment, CommitmentStatus
from workshops.releases import followthrough_publish


class OverviewCompletenessTests(DashboardTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        today = timezone.localdate()
        self.platform_ws = workshop_make(org=self.org, team=self.platform)
        self.sales_ws = workshop_make(org=self.org, team=self.sales)
        for ws, what, due, status in (
            (self.platform_ws, "Write the on-call runbook", 10, CommitmentStatus.OPEN),
            (self.platform_ws, "Fix the deploy checklist", -10, CommitmentStatus.OPEN),
            (self.platform_ws, "Agree review rules", -3, CommitmentStatus.SLIPPED),
            (self.platform_ws, "Finished thing", -20, CommitmentStatus.DONE),
            (self.sales_ws, "Sales pipeline review", 5, CommitmentStatus.OPEN),
        ):
            Commitment.objects.create(
                organization=self.org,
                workshop=ws,
                what=what,
                owner=self.member_person,
                due_on=today + dt.timedelta(days=due),
                status=status,
                created_at=timezone.now(),
                done_at=timezone.now() if status == CommitmentStatus.DONE else None,
            )

    def test_open_and_slipped_commitments_link_to_their_workshop(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview"))
        c = page.context["commitments"]
        self.assertEqual([x.what for x in c.open], ["Write the on-call runbook"])
        # Slipped: marked so, or still open past the due date (most overdue first).
        self.assertEqual(
            [x.what for x in c.slipped], ["Fix the deploy checklist", "Agree review rules"]
        )
        self.assertContains(page, reverse("workshops:detail", args=[self.platform_ws.pk]))
        self.assertNotContains(page, "Finished thing")
        self.assertNotContains(page, "Sales pipeline review")  # not the leader's team

    def test_the_admin_sees_every_team_and_a_team_pick_narrows_it(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:overview"))
        self.assertContains(page, "Sales pipeline review")
        page = self.client.get(reverse("dashboards:overview"), {"team": self.platform.pk})
        self.assertNotContains(page, "Sales pipeline review")

    def test_items_waiting_longest_are_listed_with_a_link_to_handoffs(self) -> None:
        run_import(
            org=self.org, actor=self.owner, kind="work_items", main=ITEMS_CSV, history=HISTORY_CSV
        )
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview"))
        waiting = page.context["waiting"]
        self.assertEqual([w["title"] for w in waiting], ["Add cache"])  # the open item
        self.assertContains(page, "Add cache")
        self.assertContains(page, reverse("execution:handoffs"))

    def test_without_work_items_the_card_says_what_brings_them(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview"))
        self.assertContains(page, "No work items imported yet")

    def test_every_overview_card_links_to_its_detail(self) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview"))
        for name in (
            "dashboards:trends",
            "dashboards:heatmap",
            "decisions:at_risk",
            "execution:handoffs",
            "workshops:list",
        ):
            self.assertContains(page, reverse(name), msg_prefix=name)
        self.assertContains(page, "Every change in the heatmap")

    def test_the_employee_home_lists_their_teams_commitments(self) -> None:
        self.login(self.member)
        page = self.client.get("/")
        self.assertContains(page, "Write the on-call runbook")
        self.assertContains(page, "Finished thing")  # done recently: shown as done
        self.assertNotContains(page, "Sales pipeline review")

    def test_the_follow_through_card_says_why_a_team_under_k_owners_is_not_shown(self) -> None:
        # The figure as released (k owners, the ledger) or why not, never a live count.
        followthrough_publish(org=self.org)
        self.login(self.leader)
        page = self.client.get(reverse("dashboards:overview"))
        ft = page.context["commitments"].follow_through
        self.assertIsNotNone(ft)
        self.assertTrue(ft.suppressed)  # one owner: fewer than k people
        self.assertContains(page, "Follow-through: not shown")
        self.assertNotContains(page, "% of")
