"""The dashboard's handoff matrix: released pairs only, largest gap first, each linked to the
handoff plays; hidden cells say why; a leader sees the pairs involving their teams."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from handoffs.releases import handoff_pairs_publish
from handoffs.selectors import plays_url
from tests.base import BaseTestCase
from tests.handoffs.helpers import three_pairs_answered


class DashboardHandoffMatrixTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.marketing = three_pairs_answered(
            org=self.org, platform=self.platform, sales=self.sales
        )
        self.url = reverse("dashboards:handoffs")

    def test_nothing_before_a_release(self) -> None:
        self.login(self.owner)
        r = self.client.get(self.url)
        assert r.status_code == 200
        self.assertContains(r, "No released handoff figures")

    def test_admin_sees_summary_chart_table_largest_gap_first_and_hidden_reasons(self) -> None:
        handoff_pairs_publish(org=self.org)
        self.login(self.owner)
        r = self.client.get(self.url)
        body = r.content.decode()
        assert "the largest gap is Platform → Sales" in body
        assert "<svg" in body  # the gap chart, rendered on the server
        assert body.index("Platform → Sales") < body.index("Marketing → Sales")
        assert "hidden: fewer than" in body  # Sales → Marketing, with its reason
        assert plays_url() in body
        assert 'aria-current="page">Handoffs' in body

    def test_a_leader_sees_only_pairs_involving_their_teams(self) -> None:
        handoff_pairs_publish(org=self.org)
        self.login(self.leader)  # leads Engineering (Platform, Mobile)
        body = self.client.get(self.url).content.decode()
        assert "Platform → Sales" in body
        assert "Marketing → Sales" not in body and "Sales → Marketing" not in body

    def test_the_dashboard_team_narrows_to_its_pairs(self) -> None:
        handoff_pairs_publish(org=self.org)
        self.login(self.owner)
        body = self.client.get(self.url, {"team": self.marketing.pk}).content.decode()
        assert "Marketing → Sales" in body and "Platform → Sales" not in body

    def test_overview_links_the_handoff_matrix_and_members_get_403(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("dashboards:overview")), self.url)
        self.login(self.member)
        assert self.client.get(self.url).status_code == 403

    def test_the_handoffs_page_draws_the_chart_instead_of_meters(self) -> None:
        handoff_pairs_publish(org=self.org)
        self.login(self.owner)
        body = self.client.get(reverse("handoffs:pairs")).content.decode()
        assert "<svg" in body and "<meter" not in body
