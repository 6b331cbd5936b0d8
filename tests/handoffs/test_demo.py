"""The demo: handoff events from its imported work-item history, and one planted pair whose
senders are confident while its receivers struggle (a large gap) shown to the admin."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase

from execution.demo_offer import demo_handoff_pair, demo_leaf_teams
from execution.models import Observation
from handoffs.models import HandoffEvent, HandoffSource
from handoffs.selectors import handoff_pairs_for_viewer
from orgs.demo import DEMO_SLUG
from orgs.models import Membership, Organization, Role
from orgs.tenancy import tenant_for_user


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
