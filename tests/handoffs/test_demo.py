"""The demo: handoff events from its imported work-item history, and one planted pair whose
senders are confident while its receivers struggle (a large gap) shown to the admin."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from execution.demo_offer import demo_handoff_pair, demo_leaf_teams
from execution.models import Observation
from handoffs.models import HandoffCheckIn, HandoffEvent, HandoffSource, Side
from handoffs.selectors import handoff_pairs_for_viewer
from handoffs.tasks import dispatch_checkins_task
from orgs.demo import DEMO_SLUG
from orgs.models import Membership, Organization, Role
from orgs.tenancy import tenant_for_user

User = get_user_model()


class DemoHandoffTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "2", stdout=io.StringIO())
        cls.org = Organization.objects.get(slug=DEMO_SLUG)

    def test_history_handoffs_and_a_planted_large_gap(self) -> None:
        assert HandoffEvent.objects.filter(
            organization=self.org, source=HandoffSource.HISTORY
        ).exists()
        admin = Membership.objects.filter(organization=self.org, role=Role.ADMIN).first()
        assert admin is not None
        tenant = tenant_for_user(admin.user, self.org)
        assert tenant is not None
        pairs = [p for p in handoff_pairs_for_viewer(tenant=tenant) if not p["suppressed"]]
        assert pairs, "no released pair in the demo"
        top = pairs[0]
        assert top["gap"] is not None and top["gap"] >= 40
        assert top["sender_score"] > top["receiver_score"]

    def test_the_planted_pairs_receiving_team_is_slower_the_next_period(self) -> None:
        admin = Membership.objects.filter(organization=self.org, role=Role.ADMIN).first()
        assert admin is not None
        tenant = tenant_for_user(admin.user, self.org)
        assert tenant is not None
        pairs = [p for p in handoff_pairs_for_viewer(tenant=tenant) if not p["suppressed"]]
        top = pairs[0]
        assert (top["from_name"], top["to_name"]) == demo_handoff_pair(demo_leaf_teams(self.org))
        cycle = dict(
            Observation.objects.filter(
                organization=self.org, team_id=top["to_team"], metric="cycle_time_days"
            ).values_list("period", "value")
        )
        periods = sorted(cycle)
        assert len(periods) >= 2
        strained, nxt = periods[-2], periods[-1]
        # The receivers struggled in `strained`; their work finished the next period is slower.
        assert cycle[nxt] > 1.5 * cycle[strained], cycle

    def test_the_worker_asks_both_sides_of_recent_history_handoffs(self) -> None:
        # Three days after the seeded day: handoffs of that week fall due (2 working days).
        with (
            time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            queued = dispatch_checkins_task()
        assert queued > 0
        sides = set(
            HandoffCheckIn.objects.filter(
                organization=self.org, handoff__source=HandoffSource.HISTORY
            ).values_list("side", flat=True)
        )
        assert sides == {Side.SENDER, Side.RECEIVER}
        assert len(mail.outbox) == queued  # each check-in emailed once
        assert not HandoffCheckIn.objects.filter(organization=self.org, sent_at=None).exists()

    def test_the_demo_leader_sees_the_planted_pair_on_the_dashboard_matrix(self) -> None:
        leader = User.objects.get(username="leader")  # leads Product (Growth is the receiver)
        self.client.force_login(leader)
        body = self.client.get(reverse("dashboards:handoffs")).content.decode()
        sender, receiver = demo_handoff_pair(demo_leaf_teams(self.org)) or ("", "")
        assert f"the largest gap is {sender} → {receiver}" in body
        assert "<svg" in body
        # Bad input answers 400/404, never 500.
        assert self.client.get(reverse("dashboards:handoffs"), {"period": "x"}).status_code == 400
        assert (
            self.client.get(reverse("dashboards:handoffs"), {"team": "999999"}).status_code == 404
        )
