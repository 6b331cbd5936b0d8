"""Bad `team` / `period` values on the pages outside the dashboard answer 4xx with a message
(the one parser, orgs.query), never a silently ignored 200 or another org's data."""

from __future__ import annotations

from tests.base import BaseTestCase

PAGES = (
    "/execution/friction/",
    "/execution/handoffs/",
    "/execution/drivers/",
    "/decisions/stability/",
    "/decisions/at-risk/",
    "/handoffs/",
    "/workshops/",
)


class BadQueryInputTests(BaseTestCase):
    def test_a_non_number_team_or_an_impossible_period_is_a_400_with_a_message(self) -> None:
        self.login(self.owner)
        for url in PAGES:
            for query, says in (
                ("?team=abc", "team ids must be integers"),
                ("?team=1&team=2", "give one team at a time"),
                ("?period=2026-13", "periods are given as"),
                ("?period=1800-01", "no results can exist"),
            ):
                with self.subTest(url=url, query=query):
                    r = self.client.get(url + query)
                    self.assertEqual(r.status_code, 400)
                    self.assertContains(r, says, status_code=400)

    def test_a_team_of_another_org_or_none_is_a_404(self) -> None:
        self.login(self.owner)
        for url in PAGES:
            for team in (self.other_team.pk, 987654):
                with self.subTest(url=url, team=team):
                    r = self.client.get(url, {"team": team})
                    self.assertEqual(r.status_code, 404)
                    self.assertContains(r, "not found", status_code=404)

    def test_an_own_team_and_a_period_are_taken(self) -> None:
        self.login(self.owner)
        for url in PAGES:
            with self.subTest(url=url):
                r = self.client.get(url, {"team": self.platform.pk, "period": "2026-10"})
                self.assertEqual(r.status_code, 200)
