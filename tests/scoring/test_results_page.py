"""The plain results page: only visible teams in the picker, suppressed cells marked, fixed queries."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.registry import ResultSource, SourceCell, result_sources
from orgs.models import Organization, Role, Team
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase, make_user
from tests.scoring.db_fixture import build

URL = "/results/"


class ResultsPageTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)

    def _page(self, user, query: str = "") -> str:
        self.login(user)
        r = self.client.get(URL + query)
        assert r.status_code == 200
        return r.content.decode()

    def test_the_picker_lists_only_the_leaders_teams(self) -> None:
        html = self._page(self.leader)
        options = set(re.findall(r'<option value="(\d+)"', html))
        assert options == {str(self.eng.id), str(self.platform.id), str(self.mobile.id)}
        assert "Sales" not in html

    def test_small_groups_are_marked_not_shown(self) -> None:
        html = self._page(self.owner, f"?team={self.sales.id}")
        assert "fewer than 5 people who answered" in html
        assert "2026-11" in html and "2026-10" in html
        eng = self._page(self.owner, f"?team={self.eng.id}")
        assert (
            "hidden so that a smaller group can&#x27;t be worked out from the others" in eng
            or "hidden so that a smaller group can't be worked out from the others" in eng
        )

    def test_a_visible_cell_shows_score_interval_n_and_band(self) -> None:
        html = self._page(self.owner, "?team=0")
        assert "n=19" in html and "Trust index" in html and "Clarity" in html
        assert re.search(r"\d+–\d+ · n=\d+", html)  # the interval next to n
        assert re.search(r'class="badge (good|warn|bad)"', html)

    def test_other_teams_and_other_orgs_are_404_and_employees_403(self) -> None:
        self.login(self.leader)
        assert self.client.get(URL + f"?team={self.sales.id}").status_code == 404
        assert self.client.get(URL + "?team=zzz").status_code == 400  # as in the API
        self.login(self.outsider)
        assert self.client.get(URL + f"?team={self.platform.id}").status_code == 404
        self.login(self.member)
        assert self.client.get(URL).status_code == 403
        self.client.logout()
        assert self.client.get(URL).status_code == 302  # to the login page

    def test_the_page_reads_snapshots_with_a_fixed_number_of_queries(self) -> None:
        self.login(self.leader)
        with CaptureQueriesContext(connection) as ctx:
            self.client.get(URL + f"?team={self.eng.id}")
        assert not any("surveys_answer" in q["sql"] for q in ctx.captured_queries)
        with self.assertNumQueries(len(ctx.captured_queries)):
            self.client.get(URL + f"?team={self.platform.id}")
        # +3 since k counts people: respondent keys, respondent counts, rounds per dimension.
        assert len(ctx.captured_queries) <= 15

    def _opened_on(self, user) -> str:
        html = self._page(user)
        return re.search(r'<option value="(\d+)" selected>', html).group(1)

    def test_a_leader_lands_on_the_highest_team_they_lead_not_the_alphabetically_first(
        self,
    ) -> None:
        Team.objects.filter(pk=self.eng.pk).update(name="Tech")  # now after Mobile, Platform
        assert self._opened_on(self.leader) == str(self.eng.id)
        both = make_user("both", self.org, Role.LEADER, [self.mobile, self.sales])
        assert self._opened_on(both) == str(self.sales.id)  # the higher one, though M < S

    def test_an_admin_lands_on_the_whole_org_and_an_employee_on_their_own_team(self) -> None:
        assert self._opened_on(self.owner) == "0"
        Organization.objects.filter(pk=self.org.pk).update(employees_see_team_results=True)
        assert self._opened_on(self.member) == str(self.platform.id)

    def test_a_registered_result_source_is_a_labelled_row_under_its_dimension(self) -> None:
        def cells(org, keys):
            return {
                key: SourceCell(payload={"x": 1.234}, suppressed=False, score=71.0, n=9)
                for key in keys
            }

        source = ResultSource(
            field="test_source",
            dimension="clarity",
            row_label="↳ clarity from elsewhere",
            help_text="a test source",
            note="A separate test source.",
            more_label="More",
            more_url="scoring:results",
            cells=cells,
        )
        result_sources.register("test", source)
        self.addCleanup(result_sources.unregister, "test")
        html = self._page(self.owner, "?team=0")
        assert html.index("Clarity") < html.index("↳ clarity from elsewhere")
        assert "A separate test source." in html and "n=9" in html
        body = self.client.get("/api/v1/results/").json()
        assert all(r["test_source"] == {"x": 1.23} for r in body["results"])
