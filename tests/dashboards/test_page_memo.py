"""Each process keeps the dashboard pages it served last in memory, under the same keys as
the shared cache (inflating the shared cache's compressed 400 kB heatmap cost more than the
rest of a hit): a memory hit is the same body with the reader's own name, a write still
changes the page, and the memory is bounded and expires."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from dashboards.cache import reads_cache
from dashboards.page_cache import PAGE_MEMO, WHO_MARKER, _Memo
from orgs.services import team_update
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import build


class _NoSharedPages:
    """Patch the shared cache so that reading a page from it fails the test (the reads token
    and sessions still come from it)."""

    def __init__(self) -> None:
        cache = reads_cache()
        real = cache.get

        def get(key: str, *args: Any, **kwargs: Any) -> Any:
            if str(key).startswith("page:"):
                raise AssertionError(f"a page read from the shared cache: {key}")
            return real(key, *args, **kwargs)

        self.patch = mock.patch.object(cache, "get", side_effect=get)

    def __enter__(self) -> None:
        self.patch.start()

    def __exit__(self, *exc: object) -> None:
        self.patch.stop()


@override_settings(DASHBOARD_PAGE_CACHE=True)
class PageMemoTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        PAGE_MEMO.clear()
        self.addCleanup(PAGE_MEMO.clear)

    @staticmethod
    def main(res: Any) -> str:
        """The page below the header (the log-out form's CSRF token is masked anew each time)."""
        return str(res.content.decode().split("<main", 1)[1])

    def get(self, user: Any) -> Any:
        self.client.force_login(user)
        return self.client.get(reverse("dashboards:heatmap"))

    def test_a_memory_hit_is_the_shared_body_with_the_readers_own_name(self) -> None:
        first = self.get(self.owner)
        with _NoSharedPages():
            again = self.get(self.owner)
        self.assertEqual(again["X-Page-Cache"], "hit")
        self.assertEqual(self.main(first), self.main(again))
        self.assertIn(self.owner.username.encode(), again.content)
        self.assertNotIn(WHO_MARKER.encode(), again.content)

    def test_another_process_fills_its_memory_from_the_shared_cache(self) -> None:
        first = self.get(self.owner)
        PAGE_MEMO.clear()  # as a second worker process starts
        second = self.get(self.owner)
        with _NoSharedPages():
            third = self.get(self.owner)
        self.assertEqual(self.main(first), self.main(second))
        self.assertEqual(self.main(second), self.main(third))

    def test_a_renamed_team_shows_its_new_name_on_the_next_view(self) -> None:
        # The page cache moved with the rename, but the figures inside it were kept under a
        # stamp of releases and decisions only: the heatmap's rows kept the old name.
        current = "Platform"
        for name in ("dashboards:heatmap", "dashboards:overview"):
            with self.subTest(page=name):
                self.client.force_login(self.owner)
                url = reverse(name) + f"?team={self.eng.pk}"
                self.assertIn(f">{current}<", self.main(self.client.get(url)))
                current = f"Renamed for {name[-4:]}"
                with self.captureOnCommitCallbacks(execute=True):
                    team_update(team=self.platform, actor=self.owner, name=current)
                after = self.main(self.client.get(url)).split("</form>", 1)[1]  # not the picker
                self.assertIn(f">{current}<", after)

    def test_a_release_still_changes_the_page(self) -> None:
        self.get(self.owner)
        self.org.anonymity_k = 9
        self.org.save()
        snapshot_recompute(org_id=self.org.id)
        self.assertEqual(self.get(self.owner)["X-Page-Cache"], "miss")


class MemoTests(BaseTestCase):
    def test_it_drops_the_least_recently_used_page_past_its_byte_budget(self) -> None:
        memo = _Memo()
        memo.MAX_BYTES = 20  # two 8-byte pages fit, not three
        memo.put("a", f"aaaa{WHO_MARKER}aaaa", "text/html", 60)
        memo.put("b", f"bbbb{WHO_MARKER}bbbb", "text/html", 60)
        memo.get("a")  # a is now the most recently used
        memo.put("c", f"cccc{WHO_MARKER}cccc", "text/html", 60)
        self.assertIsNone(memo.get("b"))
        self.assertEqual(memo.get("a"), (b"aaaa", b"aaaa", "text/html"))
        self.assertIsNotNone(memo.get("c"))

    def test_it_forgets_a_page_past_its_lifetime(self) -> None:
        memo = _Memo()
        with mock.patch("dashboards.page_cache.time.monotonic", return_value=100.0):
            memo.put("a", f"x{WHO_MARKER}y", "text/html", 30)
        with mock.patch("dashboards.page_cache.time.monotonic", return_value=129.0):
            self.assertIsNotNone(memo.get("a"))
        with mock.patch("dashboards.page_cache.time.monotonic", return_value=131.0):
            self.assertIsNone(memo.get("a"))
