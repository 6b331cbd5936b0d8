"""Results API pages, filters and the per-release cache: same numbers as the released read model."""

from __future__ import annotations

from django.core.cache import caches

from orgs.tenancy import tenant_for_user
from scoring.api_results import MAX_PAGE_SIZE, results_json
from scoring.selectors import results_for_teams
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, build

URL = "/api/v1/results/"


class ResultsPagingTests(BaseTestCase):
    def setUp(self) -> None:
        caches["reads"].clear()
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)
        self.login(self.owner)

    def _get(self, query: str = "") -> dict:
        r = self.client.get(URL + query)
        assert r.status_code == 200, r.content
        return r.json()

    def test_pages_put_together_are_every_row_of_the_release_with_the_same_numbers(self) -> None:
        whole = results_json(results_for_teams(tenant=tenant_for_user(self.owner, self.org)))
        rows, page = [], 1
        while True:
            data = self._get(f"?page_size=2&page={page}")
            assert data["count"] == len(whole["results"]) and data["page_size"] == 2
            assert data["periods"] == whole["periods"] and data["teams"] == whole["teams"]
            rows += data["results"]
            if data["next"] is None:
                break
            assert f"page={page + 1}" in data["next"]
            page += 1
        assert page > 1 and data["previous"] is not None
        assert rows == whole["results"]

    def test_a_dimension_filter_keeps_only_that_dimension_in_every_row(self) -> None:
        whole = self._get(f"?period={P1}")
        data = self._get(f"?period={P1}&dimension=clarity")
        assert data["count"] == whole["count"]
        for row, full in zip(data["results"], whole["results"], strict=True):
            assert [d["key"] for d in row["dimensions"]] == ["clarity"]
            assert row["dimensions"][0] == next(
                d for d in full["dimensions"] if d["key"] == "clarity"
            )
            assert row["trust_index"] == full["trust_index"]

    def test_one_team_is_its_rows_only(self) -> None:
        data = self._get(f"?team={self.platform.id}")
        assert {r["team_id"] for r in data["results"]} == {self.platform.id}
        assert data["count"] == len(data["results"])

    def test_a_huge_page_size_is_a_400_naming_the_limit(self) -> None:
        r = self.client.get(URL + "?page_size=1000000")
        assert r.status_code == 400
        assert str(MAX_PAGE_SIZE) in r.json()["page_size"][0]
        assert self.client.get(URL + "?page_size=0").status_code == 400
        assert self.client.get(URL + "?page=0").status_code == 400
        assert self.client.get(URL + "?page=x").status_code == 400

    def test_an_unknown_filter_or_dimension_is_a_400_naming_what_is_known(self) -> None:
        r = self.client.get(URL + "?teams=1")
        assert r.status_code == 400 and "dimension" in r.json()["teams"][0]
        r = self.client.get(URL + "?dimension=nope")
        assert r.status_code == 400 and "clarity" in r.json()["dimension"][0]

    def test_a_page_past_the_end_is_empty_not_an_error(self) -> None:
        data = self._get("?page=999")
        assert data["results"] == [] and data["next"] is None and data["count"] > 0

    def test_a_page_is_served_from_the_cache_until_the_next_release(self) -> None:
        first = self._get()
        keys = [k for k in caches["reads"]._cache if "results:" in k]  # type: ignore[attr-defined]
        assert len(keys) == 1
        assert self._get() == first
        snapshot_recompute(org_id=self.org.id)  # a new release: a new key, nothing purged
        assert self._get()["results"] == first["results"]
        keys = [k for k in caches["reads"]._cache if "results:" in k]  # type: ignore[attr-defined]
        assert len(keys) == 2

    def test_readers_with_other_scopes_never_share_a_cached_page(self) -> None:
        admin = self._get()
        self.login(self.leader)
        mine = self._get()
        assert {r["team_id"] for r in mine["results"]} < {r["team_id"] for r in admin["results"]}
        assert 0 not in {t["team_id"] for t in mine["teams"]}
