"""Periods as users see them: the API takes the page's labels; page and API refuse alike."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidInput
from orgs.periods import period_label
from orgs.query import periods_parse, team_ids_parse
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build

API = "/api/v1/results/"
PAGE = "/results/"


class ResultsPeriodTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        self.login(self.owner)

    def _periods(self, query: str) -> list[str]:
        r = self.client.get(API + query)
        assert r.status_code == 200, r.content
        return sorted({row["period"] for row in r.json()["results"]})

    def test_the_api_takes_the_period_label_the_page_shows(self) -> None:
        page = self.client.get(PAGE + "?team=0").content.decode()
        assert ">2026-10<" in page  # the label users copy
        assert self._periods("?period=2026-10") == [P1.isoformat()]
        assert self._periods(f"?period={P1.isoformat()}") == [P1.isoformat()]
        assert self._periods("?period=2026-10-17") == [P1.isoformat()]  # a day of the period
        assert self._periods("?period=2026-10&period=2026-11") == [
            P1.isoformat(),
            P2.isoformat(),
        ]

    def test_bad_periods_and_teams_are_400_naming_the_field_in_the_api(self) -> None:
        for query, field in (
            ("?period=garbage", "period"),
            ("?period=2026-W44", "period"),  # a week label in a monthly org
            ("?period=2026-13", "period"),
            ("?team=abc", "team"),
        ):
            r = self.client.get(API + query)
            assert r.status_code == 400 and field in r.json(), query
        assert "2026-11" in str(self.client.get(API + "?period=x").json()["period"])

    def test_the_page_answers_bad_values_with_the_same_400_and_message(self) -> None:
        for query, text in (
            ("?period=garbage", "periods are given as the results page labels them"),
            ("?team=abc", "team ids must be integers"),
        ):
            r = self.client.get(PAGE + query)
            assert r.status_code == 400, query
            html = r.content.decode()
            assert text in html and "Error 400" in html, query  # the styled error page
            assert text in str(self.client.get(API + query).json()), query

    def test_a_period_on_the_page_shows_the_periods_up_to_it(self) -> None:
        html = self.client.get(PAGE + "?team=0&period=2026-10").content.decode()
        assert ">2026-10<" in html and ">2026-11<" not in html
        assert 'name="period" value="2026-10"' in html  # kept when another team is picked

    def test_the_schema_documents_the_label_format(self) -> None:
        schema = self.client.get("/api/schema/").content.decode()
        assert "2026-W47" in schema and "2026-W46/47" in schema


def test_labels_of_each_reporting_period_parse_to_their_first_day() -> None:
    assert periods_parse(["2026-11"], kind="month") == [dt.date(2026, 11, 1)]
    assert periods_parse(["2026-W47"], kind="week") == [dt.date(2026, 11, 16)]
    fortnight = periods_parse(["2026-11-18"], kind="fortnight")
    assert fortnight is not None
    label = period_label(fortnight[0], "fortnight")
    assert periods_parse([label], kind="fortnight") == fortnight
    assert periods_parse([], kind="month") is None
    with pytest.raises(InvalidInput):
        periods_parse(["2026-11"], kind="week")
    with pytest.raises(InvalidInput):
        team_ids_parse(["1", "x"])
