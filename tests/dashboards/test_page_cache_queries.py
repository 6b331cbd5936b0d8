"""Constant query counts of the dashboard pages, from the page cache and built (at two tree
sizes: the count must not grow with the number of teams)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import Role
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.factories import person_make, team_make, user_make
from tests.scoring.db_fixture import build

PAGES = ["dashboards:overview", "dashboards:heatmap", "dashboards:trends"]


@override_settings(DASHBOARD_PAGE_CACHE=True)
class PageCacheQueryCountTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)

    def count(self, user: Any, name: str) -> tuple[int, str, list[str]]:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            res = self.client.get(reverse(name))
        self.assertEqual(res.status_code, 200)
        sql = [q["sql"] for q in ctx.captured_queries]
        return len(sql), str(res.headers.get("X-Page-Cache", "")), sql

    def test_a_cache_hit_costs_the_same_few_queries_for_every_reader_and_page(self) -> None:
        for user in (self.owner, self.leader, self.facilitator):
            for name in PAGES:
                with self.subTest(user=user.username, name=name):
                    self.count(user, name)  # built and kept
                    n, state, sql = self.count(user, name)
                    self.assertEqual(state, "hit")
                    self.assertLessEqual(n, HIT_QUERIES, "\n".join(sql))

    def test_a_hit_does_not_grow_with_the_number_of_teams(self) -> None:
        self.count(self.leader, "dashboards:heatmap")
        small, _state, _sql = self.count(self.leader, "dashboards:heatmap")
        for i in range(30):
            team = team_make(org=self.org, name=f"Squad {i}", parent=self.platform)
            person_make(org=self.org, name=f"P {i}", email=f"p{i}@example.com", team=team)
        user_make(username="x", org=self.org, role=Role.LEADER, teams=[self.eng])
        snapshot_recompute(org_id=self.org.id)
        self.count(self.leader, "dashboards:heatmap")
        big, state, sql = self.count(self.leader, "dashboards:heatmap")
        self.assertEqual(state, "hit")
        self.assertEqual(small, big, "\n".join(sql))

    def test_a_built_page_costs_a_constant_number_of_queries(self) -> None:
        # Built from the per-release read models (dashboards.cache) after a new page key.
        from core.reads import reads_version_bump

        for name in PAGES:
            with self.subTest(name=name):
                self.count(self.owner, name)
                reads_version_bump(org_id=self.org.id)
                first, state, _sql = self.count(self.owner, name)
                self.assertEqual(state, "miss")
                reads_version_bump(org_id=self.org.id)
                second, state, sql = self.count(self.owner, name)
                self.assertEqual(first, second, "\n".join(sql))

    def test_the_permission_check_covers_the_same_teams_as_the_org_tree(self) -> None:
        from orgs.models import Membership
        from orgs.tenancy import tenant_for_user

        squad = team_make(org=self.org, name="Squad", parent=self.platform)
        tenant = tenant_for_user(self.leader)
        assert tenant is not None
        tree = self.org.team_tree_refresh()
        self.assertEqual(tenant.led_team_ids, frozenset(tree.descendants([self.eng.pk])))
        self.assertIn(squad.pk, tenant.led_team_ids)
        facilitator = tenant_for_user(self.facilitator)
        assert facilitator is not None
        self.assertEqual(facilitator.facilitated_team_ids, {self.platform.pk, squad.pk})
        # A team of another org named on the membership is never covered (nor its sub-teams).
        Membership.objects.get(user=self.leader, organization=self.org).teams.add(self.other_team)
        again = tenant_for_user(self.leader)
        assert again is not None
        self.assertNotIn(self.other_team.pk, again.led_team_ids)
        self.assertEqual(again.led_team_ids, tenant.led_team_ids)


HIT_QUERIES = 3  # the user, the memberships (+ org, person), a leader's covered teams
