"""Results API: tenant and team permissions, suppression marking, bad input, snapshot-only reads."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Role
from orgs.services import team_update
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase, make_user
from tests.scoring.db_fixture import P1, P2, build

URL = "/api/v1/results/"


class ResultsAPITests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)

    def _get(self, user, query: str = "") -> dict:
        self.login(user)
        r = self.client.get(URL + query)
        assert r.status_code == 200, r.content
        return r.json()

    def _row(self, data: dict, team_id: int, period) -> dict:
        return next(
            r for r in data["results"] if r["team_id"] == team_id and r["period"] == str(period)
        )

    def test_a_leader_sees_only_their_teams_and_never_the_org(self) -> None:
        data = self._get(self.leader)
        ids = {t["team_id"] for t in data["teams"]}
        assert ids == {self.eng.id, self.platform.id, self.mobile.id}
        assert {r["team_id"] for r in data["results"]} <= ids
        assert data["k"] == 5

    def test_an_admin_sees_every_team_and_the_whole_org_as_team_zero(self) -> None:
        data = self._get(self.owner)
        assert {t["team_id"] for t in data["teams"]} == {
            0,
            self.eng.id,
            self.platform.id,
            self.mobile.id,
            self.sales.id,
        }
        org = self._row(data, 0, P1)
        assert org["trust_index"]["n"] == 19 and not org["trust_index"]["suppressed"]

    def test_asking_for_a_team_you_may_not_see_is_a_404(self) -> None:
        self.login(self.leader)
        assert self.client.get(URL + f"?team={self.sales.id}").status_code == 404
        assert self.client.get(URL + "?team=0").status_code == 404
        self.login(self.outsider)
        assert self.client.get(URL + f"?team={self.platform.id}").status_code == 404
        data = self.client.get(URL).json()  # the outsider's own org has no Acme teams
        assert self.platform.id not in {t["team_id"] for t in data["teams"]}
        assert data["results"] == []

    def test_employees_without_team_results_and_anonymous_users_are_refused(self) -> None:
        self.login(self.member)
        assert self.client.get(URL).status_code == 403
        self.client.logout()
        assert self.client.get(URL).status_code in (401, 403)

    def test_employees_see_their_own_team_when_the_org_allows_it(self) -> None:
        self.org.employees_see_team_results = True
        self.org.save()
        data = self._get(self.member)
        assert {t["team_id"] for t in data["teams"]} == {self.platform.id}

    def test_cells_below_k_and_their_complements_carry_no_numbers(self) -> None:
        data = self._get(self.owner)
        sales = self._row(data, self.sales.id, P2)  # 2 respondents
        assert sales["trust_index"] == {"suppressed": True, "reason": "fewer_than_k"}
        assert all(set(c) == {"key", "name", "suppressed", "reason"} for c in sales["dimensions"])
        # Org 15 = Engineering 13 + Sales 2: showing Engineering would give Sales away.
        eng = self._row(data, self.eng.id, P2)
        assert eng["trust_index"] == {"suppressed": True, "reason": "complementary"}
        assert not self._row(data, 0, P2)["trust_index"]["suppressed"]
        shown = [r["trust_index"] for r in data["results"] if not r["trust_index"]["suppressed"]]
        assert all(c["n"] >= 5 for c in shown)

    def test_a_visible_cell_shows_n_interval_band_and_trend(self) -> None:
        data = self._get(self.owner)
        org = self._row(data, 0, P2)
        dim = org["dimensions"][0]
        assert dim["key"] == "clarity" and dim["name"] == "Clarity"
        for field in ["n", "score", "ci_low", "ci_high", "band", "delta", "significant"]:
            assert field in dim
        assert dim["ci_low"] <= dim["score"] <= dim["ci_high"]
        assert org["trust_index"]["has_trend"] is True
        assert org["trust_index"]["delta"] is not None

    def test_a_trend_against_a_hidden_previous_cell_is_not_shown(self) -> None:
        data = self._get(self.owner, f"?period={P2}")
        assert {r["period"] for r in data["results"]} == {str(P2)}
        # Platform's trust index is hidden in P2 (one of its dimensions is), so follow the
        # trend of a dimension that is shown in both periods.
        clarity = self._clarity(data)
        assert clarity["has_trend"] is True  # Platform P1 was visible
        # Make Platform's P1 cell hidden: recompute with fewer P1 respondents in Platform.
        from surveys.models import Response

        doomed = Response.objects.filter(round=self.rounds["p1"], team=self.platform)[:5]
        Response.objects.filter(pk__in=[r.pk for r in doomed]).delete()
        snapshot_recompute(org_id=self.org.id)
        clarity = self._clarity(self._get(self.owner, f"?period={P2}"))
        assert clarity["prev_score"] is None and clarity["delta"] is None
        assert clarity["has_trend"] is False and clarity["significant"] is False

    def _clarity(self, data: dict) -> dict:
        row = self._row(data, self.platform.id, P2)
        return next(c for c in row["dimensions"] if c["key"] == "clarity")

    def test_a_trust_index_with_a_hidden_dimension_is_hidden_as_part_hidden(self) -> None:
        # Platform, P2: "follow" is hidden (complementary); the index and "clarity" would
        # give it back, so the index is hidden too, with its own reason.
        row = self._row(self._get(self.owner, f"?period={P2}"), self.platform.id, P2)
        follow = next(c for c in row["dimensions"] if c["key"] == "follow")
        assert follow["suppressed"] is True
        assert row["trust_index"] == {"suppressed": True, "reason": "part_hidden"}

    def test_bad_query_parameters_are_a_400_naming_the_field(self) -> None:
        self.login(self.owner)
        r = self.client.get(URL + "?team=abc")
        assert r.status_code == 400 and "team" in r.json()
        r = self.client.get(URL + "?period=last-month")
        assert r.status_code == 400 and "period" in r.json()

    def test_reads_use_a_fixed_number_of_queries_and_never_touch_answers(self) -> None:
        self.login(self.leader)
        with CaptureQueriesContext(connection) as ctx:
            self.client.get(URL)
        baseline = len(ctx.captured_queries)
        assert not any("surveys_answer" in q["sql"] for q in ctx.captured_queries)
        assert not any("surveys_response" in q["sql"] for q in ctx.captured_queries)
        # Ten times the data must not cost one query more.
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        build(self.org, teams, seed=3, rubric_key="again")
        snapshot_recompute(org_id=self.org.id)
        with self.assertNumQueries(baseline):
            self.client.get(URL)

    def test_the_endpoint_is_in_the_openapi_schema(self) -> None:
        self.login(self.owner)
        r = self.client.get("/api/schema/")
        assert r.status_code == 200
        assert b"/api/v1/results/" in r.content

    def test_a_facilitator_sees_their_team(self) -> None:
        data = self._get(self.facilitator)
        assert {t["team_id"] for t in data["teams"]} == {self.platform.id}
        other_leader = make_user("sales-lead", self.org, Role.LEADER, [self.sales])
        data = self._get(other_leader)
        assert {t["team_id"] for t in data["teams"]} == {self.sales.id}

    def test_a_tree_change_nobody_announced_leaves_the_last_release_and_the_read_queues_nothing(
        self,
    ) -> None:
        before = self._get(self.owner)["results"]
        self.mobile.parent = self.sales  # behind the services' back: nothing announced
        self.mobile.save()
        with self.captureOnCommitCallbacks(execute=True) as queued:
            data = self.client.get(URL).json()
        assert queued == []  # a read never queues work (selectors read, services write)
        # Reads serve the latest release, never a recomputation: what was released stays.
        assert data["results"] == before

    def test_moving_a_team_through_the_service_queues_the_recompute_of_the_new_tree(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as queued:
            team_update(team=self.mobile, actor=self.owner, parent=self.sales)
        # Scoring's handler of team_tree_changed, once (the release it publishes then queues
        # the leaders' digest on release_published: not counted here).
        assert sum("scoring.recompute_org_snapshots" in repr(q) for q in queued) == 1
        data = self._get(self.owner)
        row = self._row(data, self.sales.id, P1)
        clarity = next(d for d in row["dimensions"] if d["key"] == "clarity")
        assert clarity["n"] == 5 + 6  # Sales now includes Mobile
        # Sales' own "follow" answers (fewer than k, hidden before) would be Sales-with-Mobile
        # minus Mobile's released "follow": the release ledger refuses it, and the trust
        # index, computed from it too, follows.
        follow = next(d for d in row["dimensions"] if d["key"] == "follow")
        assert follow == {**follow, "suppressed": True, "reason": "ledger"}
        assert row["trust_index"]["reason"] == "part_hidden"
