"""The dashboard's per-release read cache: warmed when a release is published, same pages."""

from __future__ import annotations

from django.urls import reverse

from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import build


class OverviewWarmTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)

    def test_publishing_a_release_builds_each_readers_overview_so_the_first_read_is_a_hit(
        self,
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from dashboards.cache import reads_cache
        from dashboards.warm import overview_warm

        url = reverse("dashboards:overview")
        reads_cache().clear()
        self.login(self.leader)
        with CaptureQueriesContext(connection) as cold:
            first = self.client.get(url).content.decode()
        reads_cache().clear()
        with self.captureOnCommitCallbacks(execute=True) as queued:
            snapshot_recompute(org_id=self.org.id)  # publishes: release_published → warm task
        self.assertTrue(any("warm_overview" in repr(q) for q in queued))
        with CaptureQueriesContext(connection) as warm:
            again = self.client.get(url).content.decode()
        self.assertLess(len(warm.captured_queries), len(cold.captured_queries))
        self.assertEqual(first.split("<main", 1)[1], again.split("<main", 1)[1])
        # Idempotent: a second run builds the same scopes again and changes nothing.
        self.assertEqual(overview_warm(org_id=self.org.id), overview_warm(org_id=self.org.id))
        self.assertEqual(overview_warm(org_id=10**9), 0)  # an org gone since: nothing

    def test_the_heatmap_is_kept_per_release_with_the_same_markup(self) -> None:
        from dashboards.cache import reads_cache

        reads_cache().clear()
        self.login(self.owner)
        url = reverse("dashboards:heatmap")
        first = self.client.get(url, {"team": 0}).content.decode()
        again = self.client.get(url, {"team": 0}).content.decode()
        self.assertEqual(first.split("<main", 1)[1], again.split("<main", 1)[1])
        self.assertIn(f'<tr data-team="{self.platform.id}"', first)
        self.assertIn('class="hm-n">n=', first)
