"""The reliability page and API: α, Feldt interval, n and item–total r per dimension and
period, with plain warnings, for admins and facilitators only."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.urls import reverse

from orgs.models import Organization, Team
from scoring.selectors_reliability import REASON_FEW_CO_ANSWERS, reliability_for_org
from surveys.models import Answer, Dimension, Item, Response, RubricVersion
from tests.base import BaseTestCase
from tests.scoring.db_fixture import BANDS, P1, P2, make_round, people_counts_add
from trustmath.reliability import REASON_TOO_FEW_RESPONDENTS

P0 = dt.date(2026, 9, 1)


def _rubric(org: Organization, version: int, with_noise: bool) -> RubricVersion:
    """clarity: c1, c2 follow one latent trait (c3, when present, is pure noise); follow: f1, f2."""
    rubric = RubricVersion.objects.create(organization=org, key="rel", version=version, name="Rel")
    for pos, (key, items) in enumerate(
        [("clarity", ["c1", "c2", *(["c3"] if with_noise else [])]), ("follow", ["f1", "f2"])]
    ):
        dim = Dimension.objects.create(
            rubric=rubric,
            key=key,
            name=key.title(),
            definition=".",
            weight=1.0,
            position=pos,
            bands=BANDS,
        )
        for i, item in enumerate(items):
            Item.objects.create(rubric=rubric, dimension=dim, key=item, text=item, position=i)
    return rubric


def _answer(rubric: RubricVersion, period: dt.date, team: Team, n: int, seed: int) -> None:
    rng = random.Random(seed)
    rnd = make_round(rubric.organization, rubric, period)
    items = list(Item.objects.filter(rubric=rubric).order_by("id"))
    for _ in range(n):
        trait = rng.randint(1, 5)
        resp = Response.objects.create(
            id=uuid.UUID(int=rng.getrandbits(128)),
            organization=rubric.organization,
            round=rnd,
            team=team,
            period=period,
            submitted_on=period,
        )
        Answer.objects.bulk_create(
            Answer(
                response=resp,
                item=it,
                value=rng.randint(1, 5)
                if it.key == "c3"
                else min(5, max(1, trait + rng.choice([-1, 0, 0, 0, 1]))),
            )
            for it in items
        )


class ReliabilityTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.v1 = _rubric(self.org, 1, with_noise=True)
        self.v2 = _rubric(self.org, 2, with_noise=False)  # the edit drops the noisy statement
        _answer(self.v1, P0, self.platform, 40, seed=1)
        _answer(self.v1, P1, self.platform, 40, seed=2)
        _answer(self.v2, P2, self.platform, 40, seed=3)
        for period in (P0, P1, P2):
            people_counts_add(self.org, period, {"platform": 40}, teams)

    def _org_block(self, period: dt.date):  # type: ignore[no-untyped-def]
        report = reliability_for_org(org=self.org)
        return next(b for b in report.blocks if b.team_id == 0 and b.period == period)

    def test_alpha_interval_n_and_item_total_r_per_dimension_and_period(self) -> None:
        block = self._org_block(P1)
        follow = next(d for d in block.dimensions if d.key == "follow")
        assert follow.alpha is not None and follow.alpha > 0.8
        assert follow.ci_low < follow.alpha < follow.ci_high  # type: ignore[operator]
        assert follow.n == 40 and follow.k_items == 2 and not follow.warnings
        assert [it.key for it in follow.items] == ["f1", "f2"]
        # Engineering (the department) has the same 40 people, at least k: shown too.
        report = reliability_for_org(org=self.org)
        assert {b.team_id for b in report.blocks if b.period == P1} == {0, self.eng.id}

    def test_a_noisy_statement_and_a_low_alpha_are_warned_about_in_words(self) -> None:
        clarity = next(d for d in self._org_block(P1).dimensions if d.key == "clarity")
        noisy = next(it for it in clarity.items if it.key == "c3")
        assert noisy.low and noisy.item_total_r is not None and noisy.item_total_r < 0.2
        assert any("(c3) moves little with the rest" in w for w in clarity.warnings)
        assert clarity.alpha is not None
        if clarity.alpha < 0.6:
            assert any("below 0.6" in w for w in clarity.warnings)

    def test_a_rubric_edits_first_period_shows_the_previous_versions_alpha(self) -> None:
        block = self._org_block(P2)
        assert block.rubric_id == self.v2.id and block.previous_rubric_label == "Rel v1"
        clarity = next(d for d in block.dimensions if d.key == "clarity")
        before = next(d for d in self._org_block(P1).dimensions if d.key == "clarity")
        assert clarity.previous_alpha == before.alpha
        assert self._org_block(P1).previous_rubric_label is None

    def test_too_few_people_says_so_with_the_reason_instead_of_a_number(self) -> None:
        p3 = dt.date(2026, 12, 1)
        _answer(self.v2, p3, self.platform, 2, seed=4)
        follow = next(d for d in self._org_block(p3).dimensions if d.key == "follow")
        assert follow.alpha is None and follow.reason == REASON_TOO_FEW_RESPONDENTS
        assert follow.n == 2 and "too few to say" in follow.warnings[0]
        # Departments below k are left out entirely.
        report = reliability_for_org(org=self.org, periods=[p3])
        assert {b.team_id for b in report.blocks} == {0}

    def test_few_co_answers_withhold_alpha_rather_than_show_a_wild_number(self) -> None:
        assert REASON_FEW_CO_ANSWERS == "few_co_answers"
        p3 = dt.date(2026, 12, 1)
        _answer(self.v2, p3, self.platform, 4, seed=5)
        follow = next(d for d in self._org_block(p3).dimensions if d.key == "follow")
        assert follow.alpha is None and follow.reason == REASON_FEW_CO_ANSWERS
        assert "too few to say" in follow.warnings[0]

    def test_the_page_shows_alpha_and_warnings_to_admins_and_facilitators_only(self) -> None:
        url = reverse("scoring:reliability")
        for user in (self.owner, self.facilitator):
            self.login(user)
            res = self.client.get(url)
            assert res.status_code == 200
            html = res.content.decode()
            assert "Cronbach" in html and "moves little with the rest" in html
            assert "α before" in html  # the rubric edit's first period
        for user in (self.leader, self.member):
            self.login(user)
            assert self.client.get(url).status_code == 403

    def test_the_api_answers_admins_and_facilitators_and_refuses_others(self) -> None:
        url = "/api/v1/reliability/"
        self.login(self.facilitator)
        body = self.client.get(url).json()
        block = next(b for b in body["blocks"] if b["team_id"] == 0 and b["period"] == "2026-10-01")
        follow = next(d for d in block["dimensions"] if d["key"] == "follow")
        assert {"alpha", "ci_low", "ci_high", "n", "items", "warnings", "previous_alpha"} <= set(
            follow
        )
        assert body["alpha_low"] == 0.6 and REASON_TOO_FEW_RESPONDENTS in body["reasons"]
        one = self.client.get(url, {"period": "2026-11"}).json()
        assert {b["period"] for b in one["blocks"]} == {"2026-11-01"}
        assert self.client.get(url, {"period": "nonsense"}).status_code == 400
        for user in (self.leader, self.member):
            self.login(user)
            assert self.client.get(url).status_code == 403
        self.client.logout()
        assert self.client.get(url).status_code in (401, 403)

    def test_the_api_is_tenant_scoped(self) -> None:
        self.login(self.outsider)  # an admin of another organization
        body = self.client.get("/api/v1/reliability/").json()
        assert body["blocks"] == []

    def test_the_api_is_in_the_openapi_schema(self) -> None:
        self.login(self.owner)
        schema = self.client.get("/api/schema/").content.decode()
        assert "/api/v1/reliability/" in schema and "ReliabilityDimension" in schema


def test_a_low_alpha_gets_a_plain_warning() -> None:
    from scoring.selectors_reliability import DimensionReliability, _warnings

    dim = DimensionReliability(
        key="d", name="D", alpha=0.45, ci_low=0.3, ci_high=0.58, n=80, k_items=3, reason=""
    )
    [warning] = _warnings(dim, [])
    assert warning.startswith("α = 0.45 is below 0.6")
