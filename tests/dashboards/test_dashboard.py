"""The leader dashboard: who may open what, bad input, suppression in pages and exports,
numbers equal the released read model, constant queries, comments, digest, employee home."""

from __future__ import annotations

import csv
import io
import random

from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from core import registry
from dashboards.services import digest_send_for_release
from orgs.forms import OrganizationSettingsForm
from orgs.tenancy import tenant_for_user
from scoring.selectors import results_for_teams
from scoring.services import snapshot_recompute
from surveys.models import PeriodRespondentCount, Response
from tests.base import BaseTestCase
from tests.factories import round_make
from tests.scoring.db_fixture import P2, add_responses, build

PAGES = [
    "dashboards:overview",
    "dashboards:heatmap",
    "dashboards:trends",
    "dashboards:comments",
    "dashboards:friction",
    "dashboards:drivers",
]
API = ["dashboardapi:heatmap", "dashboardapi:trends"]


def all_urls() -> list[str]:
    urls = [reverse(name) for name in PAGES + API]
    for view in ("heatmap", "trends"):
        for fmt in ("csv", "xlsx"):
            urls.append(reverse("dashboards:export", args=[view, fmt]))
    return urls


class DashboardTestCase(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)


class PermissionMatrixTests(DashboardTestCase):
    """Each role × each dashboard page, export and API endpoint × own team, sub-team,
    another team and another org's team."""

    def test_each_role_on_each_view_and_team(self) -> None:
        cases = [
            (self.owner, self.sales.id, 200),
            (self.owner, 0, 200),
            (self.owner, self.other_team.id, 404),
            (self.leader, self.eng.id, 200),
            (self.leader, self.platform.id, 200),  # sub-team
            (self.leader, self.sales.id, 404),  # other team
            (self.leader, 0, 404),  # the whole org is not theirs
            (self.leader, self.other_team.id, 404),  # other org
            (self.facilitator, self.platform.id, 200),
            (self.facilitator, self.mobile.id, 404),
            (self.member, self.platform.id, 403),
            (self.outsider, self.platform.id, 404),
        ]
        for url in all_urls():
            for user, team, status in cases:
                with self.subTest(url=url, user=user.username, team=team):
                    self.login(user)
                    r = self.client.get(url, {"team": team})
                    self.assertEqual(r.status_code, status, getattr(r, "content", b"")[:300])

    def test_anonymous_visitors_are_sent_to_log_in_or_refused(self) -> None:
        for url in all_urls():
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, (302, 401, 403))


class BadInputTests(DashboardTestCase):
    def test_malformed_values_are_a_400_with_a_message_never_a_500(self) -> None:
        self.login(self.leader)
        bad = [
            "?team=abc",
            "?team=1&team=2",
            "?period=2026-13",
            "?period=1800-01",
            "?period=yesterday",
            "?location=Berlin",
            "?tenure_band=1-3y",
            "?team=-5",
        ]
        for url in all_urls():
            for query in bad:
                with self.subTest(url=url, query=query):
                    r = self.client.get(url + query)
                    self.assertEqual(r.status_code, 400, getattr(r, "content", b"")[:300])
        r = self.client.get(reverse("dashboards:overview") + "?location=Berlin")
        self.assertIn("are on the overview, one team and period at a time", r.content.decode())

    def test_unknown_parameters_like_tracking_tags_are_ignored(self) -> None:
        self.login(self.leader)
        for url in all_urls():
            for query in ("?colour=red", "?page=2", "?utm_source=mail&utm_campaign=digest"):
                with self.subTest(url=url, query=query):
                    self.assertEqual(self.client.get(url + query).status_code, 200)

    def test_unknown_dimension_in_comments_is_a_400(self) -> None:
        self.login(self.leader)
        r = self.client.get(reverse("dashboards:comments") + "?dimension=nope")
        self.assertEqual(r.status_code, 400)

    def test_an_unknown_export_is_a_404(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get("/dashboard/export/answers.csv").status_code, 404)
        self.assertEqual(self.client.get("/dashboard/export/heatmap.pdf").status_code, 404)


class HeatmapAndExportTests(DashboardTestCase):
    def test_every_shown_cell_prints_number_and_n_and_hidden_ones_their_reason(self) -> None:
        self.login(self.owner)
        html = self.client.get(reverse("dashboards:heatmap"), {"team": 0, "period": "2026-11"})
        page = html.content.decode()
        self.assertIn("n=", page)
        self.assertIn("fewer than 5 people who answered", page)  # Sales had 2 in P2
        self.assertNotIn("style=", page)
        self.assertIn('class="num hm-', page)

    def test_csv_export_equals_the_released_read_model_and_hides_the_same_cells(self) -> None:
        self.login(self.owner)
        r = self.client.get(
            reverse("dashboards:export", args=["heatmap", "csv"]), {"team": 0, "period": "2026-11"}
        )
        rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
        res = results_for_teams(tenant=tenant_for_user(self.owner), periods=[P2])
        by = {(row.team_id, row.period): row for row in res.rows}
        trust = [x for x in rows if x["measure"] == "Trust index"]
        self.assertTrue(trust)
        for x in trust:
            cell = by[(int(x["team_id"]), P2)].trust_index
            if cell.suppressed:
                self.assertEqual(x["score"], "")
                self.assertEqual(x["n"], "")
                self.assertTrue(x["hidden_because"])
            else:
                self.assertAlmostEqual(float(x["score"]), cell.score, places=2)
                self.assertEqual(int(x["n"]), cell.n)
        sales = [x for x in rows if x["team"] == "Sales"]
        self.assertTrue(sales and all(x["score"] == "" for x in sales))

    def test_xlsx_export_opens_and_has_the_same_rows(self) -> None:
        self.login(self.leader)
        r = self.client.get(reverse("dashboards:export", args=["trends", "xlsx"]))
        wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
        values = list(wb.active.values)
        self.assertEqual(values[0][:4], ("team_id", "team", "period", "measure"))
        self.assertGreater(len(values), 2)

    def test_api_returns_the_same_rows_and_is_in_the_schema(self) -> None:
        self.login(self.owner)
        body = self.client.get(reverse("dashboardapi:heatmap"), {"team": self.sales.id}).json()
        self.assertEqual(body["team_id"], self.sales.id)
        hidden = [x for x in body["rows"] if x["hidden_because"]]
        self.assertTrue(hidden and all(x["score"] is None and x["n"] is None for x in hidden))
        schema = self.client.get(reverse("schema")).content.decode()
        self.assertIn("/api/v1/dashboard/heatmap/", schema)
        self.assertIn("/api/v1/dashboard/trends/", schema)


class QueryCountTests(DashboardTestCase):
    def test_pages_read_in_a_constant_number_of_queries_and_never_answers(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.owner)
        for name in ("dashboards:overview", "dashboards:heatmap", "dashboards:trends"):
            url = reverse(name)
            # Warm the chart and overview caches and the session for both teams.
            self.client.get(url, {"team": 0})
            self.client.get(url, {"team": self.platform.id})
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(url, {"team": 0})
            sqls = [q["sql"] for q in ctx.captured_queries]
            self.assertFalse(any("surveys_answer" in s for s in sqls), name)
            with self.subTest(name=name), self.assertNumQueries(len(sqls)):
                self.client.get(url, {"team": self.platform.id})


class OverviewCacheTests(DashboardTestCase):
    def test_the_overview_is_kept_per_release_and_a_new_release_is_read_at_once(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from dashboards.cache import overview_version, reads_cache

        reads_cache().clear()
        self.login(self.leader)
        url = reverse("dashboards:overview")
        with CaptureQueriesContext(connection) as cold:
            first = self.client.get(url).content.decode()
        with CaptureQueriesContext(connection) as warm:
            again = self.client.get(url).content.decode()
        self.assertLess(len(warm.captured_queries), len(cold.captured_queries))
        self.assertEqual(first.split("<main", 1)[1], again.split("<main", 1)[1])
        before = overview_version(org=self.org)
        snapshot_recompute(org_id=self.org.id)  # a new release
        self.assertNotEqual(overview_version(org=self.org), before)
        with CaptureQueriesContext(connection) as after:
            self.client.get(url)
        self.assertGreater(len(after.captured_queries), len(warm.captured_queries))  # a miss

    def test_readers_with_other_teams_never_share_a_cached_overview(self) -> None:
        from dashboards.cache import overview_key

        owner = tenant_for_user(self.owner, org=self.org)
        leader = tenant_for_user(self.leader, org=self.org)
        self.assertNotEqual(
            overview_key(tenant=owner, team_id=self.platform.id, period=None),
            overview_key(tenant=leader, team_id=self.platform.id, period=None),
        )


class OverviewTests(DashboardTestCase):
    def test_a_leader_lands_on_the_overview_of_their_department(self) -> None:
        self.login(self.leader)
        page = self.client.get("/").content.decode()
        self.assertIn("Engineering", page)
        self.assertIn("Trust index", page)
        self.assertIn("Weakest dimensions", page)
        self.assertIn("No execution data yet", page)
        self.assertIn('href="/execution/"', page)

    def test_a_period_without_results_says_so_instead_of_an_empty_number(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("dashboards:overview"), {"period": "2019-01"})
        self.assertEqual(page.status_code, 200)
        text = page.content.decode()
        self.assertIn("No trust index for this team in 2019-01.", text)
        self.assertNotIn('<span class="unit">/100</span>', text)
        self.assertNotIn("n =  people", text)

    def test_the_trend_table_scrolls_inside_its_panel_on_a_phone(self) -> None:
        # Six periods of "55 n=129" are wider than a 360 px screen: the table must sit in a
        # scrolling wrapper, or the whole overview scrolls sideways.
        self.login(self.owner)
        text = self.client.get(reverse("dashboards:overview")).content.decode()
        self.assertIn(
            '<div class="table-wrap"><table class="compact"><caption class="muted">Trend', text
        )

    def test_an_employee_lands_on_their_own_home(self) -> None:
        self.login(self.member)
        page = self.client.get("/").content.decode()
        self.assertIn("Waiting for your answer", page)
        self.assertNotIn("Weakest dimensions", page)


class CommentTests(DashboardTestCase):
    def setUp(self) -> None:
        super().setUp()
        # One comment per team and period on closed rounds.
        for rnd in self.rounds.values():
            for team in (self.platform, self.mobile, self.sales):
                resp = Response.objects.filter(round=rnd, team=team).first()
                resp.comment = f"comment of {team.name} in {rnd.period:%Y-%m}"
                resp.save(update_fields=["comment"])

    def _page(self, user, **query) -> str:
        self.login(user)
        r = self.client.get(reverse("dashboards:comments"), query)
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def test_groups_below_the_comment_threshold_show_no_comment(self) -> None:
        self.assertEqual(self.org.comment_threshold, 10)
        page = self._page(self.facilitator, team=self.platform.id)  # 8 and 7 people
        self.assertNotIn("comment of Platform", page)
        self.assertIn("fewer than 10 people who answered", page)

    def test_groups_at_the_threshold_show_comments_unattributed_and_dated_to_the_period(
        self,
    ) -> None:
        self.org.comment_k = 5
        self.org.save(update_fields=["comment_k"])
        page = self._page(self.owner, team=0, period="2026-10")
        self.assertIn("comment of Platform in 2026-10", page)
        self.assertIn("2026-10", page)
        self.assertNotIn("2026-10-0", page)  # never a day

    def test_the_comment_threshold_is_never_below_k(self) -> None:
        data = OrganizationSettingsForm.initial_for(self.org) | {"comment_k": 4, "anonymity_k": 5}
        form = OrganizationSettingsForm(data)
        self.assertFalse(form.is_valid())
        self.assertIn("comment_k", form.errors)
        self.org.comment_k = 3
        self.assertEqual(self.org.comment_threshold, 5)


class DigestTests(DashboardTestCase):
    def test_a_release_sends_each_admin_and_leader_one_digest(self) -> None:
        sent = digest_send_for_release(org_id=self.org.pk)
        self.assertEqual(sent, 2)  # owner and leader
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 0)  # never twice
        to_leader = next(m for m in mail.outbox if m.to == [self.leader.email])
        self.assertIn("Engineering", to_leader.subject)
        self.assertIn("What changed since", to_leader.body)
        self.assertIn("/dashboard/?team=", to_leader.body)
        self.assertNotIn("Sales", to_leader.body)  # not the leader's team
        html = to_leader.alternatives[0][0]
        self.assertIn("<svg", html)

    def test_a_new_release_sends_one_more_digest_and_a_round_alone_none(self) -> None:
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 2)
        round_make(org=self.org, teams=[self.platform])  # a new open round is no release
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 0)
        snapshot_recompute(org_id=self.org.id)  # a new release, the same figures: no copy
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 0)
        add_responses(self.rounds["p2"], self.platform, 3, random.Random(5))  # late answers
        PeriodRespondentCount.objects.filter(team=self.platform, period=P2).update(people=10)
        PeriodRespondentCount.objects.filter(team=None, period=P2).update(people=18)
        snapshot_recompute(org_id=self.org.id)  # new figures for both readers' teams
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 2)

    def test_the_digest_listens_to_release_published_not_to_rounds(self) -> None:
        self.assertIn("dashboards", dict(registry.release_published.items()))
        self.assertNotIn("dashboards", dict(registry.round_scores_changed.items()))

    def test_publishing_a_release_announces_it_after_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            snapshot_recompute(org_id=self.org.id)
        seen: list[int] = []
        registry.release_published.register("probe", seen.append)
        try:
            for cb in callbacks:
                cb()
        finally:
            registry.release_published.unregister("probe")
        self.assertIn(self.org.pk, seen)


class EmployeeHomeTests(DashboardTestCase):
    def test_the_person_sees_their_open_survey_link_and_not_a_used_one(self) -> None:
        rnd = round_make(org=self.org, teams=[self.platform])
        inv = rnd.invitations.get(person=self.member_person)
        self.login(self.member)
        page = self.client.get("/").content.decode()
        if inv.sent_at is None:
            inv.sent_at = rnd.opens_at
            inv.save(update_fields=["sent_at"])
            page = self.client.get("/").content.decode()
        self.assertIn(rnd.title, page)
        self.assertIn("/s/#", page)
        inv.used = True
        inv.save(update_fields=["used"])
        self.assertNotIn("/s/#", self.client.get("/").content.decode())

    def test_team_results_only_when_the_org_allows_it(self) -> None:
        self.login(self.member)
        self.assertNotIn("latest released results", self.client.get("/").content.decode())
        self.org.employees_see_team_results = True
        self.org.save(update_fields=["employees_see_team_results"])
        page = self.client.get("/").content.decode()
        self.assertIn("Platform: latest released results", page)
        self.assertIn("n=", page)
