"""Done-when check: every number the results API returns, recomputed from the raw Answer rows.

The recomputation below is plain Python over the Answer table with the docs/scoring.md formulas
(statistics.mean/stdev, math.sqrt; scipy only for the t quantile and its own Welch test) — it shares no code with
the engine, the adapter or the selectors.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict

from django.core.management import call_command
from django.test import Client, TestCase
from scipy.stats import t as t_dist
from scipy.stats import ttest_ind

from orgs.models import Organization, Team
from orgs.periods import previous_period
from scoring.services import snapshot_recompute
from surveys.models import Answer, Dimension
from tests.base import BaseTestCase
from tests.scoring.db_fixture import build

TOL = 0.0051  # the API rounds to 2 decimals
Z = 1.959963984540054


class Raw:
    """Answers of one org, indexed for hand computation."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        parents = dict(Team.objects.filter(organization=org).values_list("id", "parent_id"))
        self.subtree: dict[int, set[int]] = defaultdict(set)
        for team in parents:
            node: int | None = team
            while node is not None:
                self.subtree[node].add(team)
                node = parents[node]
            self.subtree[0].add(team)
        # (rubric, period) → respondent → dimension → [item scores], [favourable flags]
        self.scores: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.team_of: dict = {}
        for rid, team, period, rubric, dim, rev, value in Answer.objects.filter(
            response__organization=org
        ).values_list(
            "response_id",
            "response__team_id",
            "response__period",
            "item__rubric_id",
            "item__dimension__key",
            "item__reverse_keyed",
            "value",
        ):
            self.team_of[rid] = team
            if value is None:
                continue  # a skip is missing
            x = 6 - value if rev else value
            self.scores[(rubric, period)][rid][dim].append(x)
        self.dims = {
            (r, key): (w, bands)
            for r, key, w, bands in Dimension.objects.filter(
                rubric__in={r for r, _ in self.scores}
            ).values_list("rubric_id", "key", "weight", "bands")
        }

    def dimension(self, rubric: int, period, team: int, dim: str) -> dict | None:
        per_resp = []
        answers: list[int] = []
        for rid, by_dim in self.scores[(rubric, period)].items():
            if self.team_of[rid] in self.subtree[team] and by_dim.get(dim):
                xs = by_dim[dim]
                per_resp.append(statistics.mean((x - 1) * 25 for x in xs))
                answers.extend(xs)
        n = len(per_resp)
        if n == 0:
            return None
        m = statistics.mean(per_resp)
        out = {"n": n, "score": m, "ci_low": None, "ci_high": None, "sd": None, "_r": per_resp}
        if n >= 2:
            sd = statistics.stdev(per_resp)
            half = t_dist.ppf(0.975, n - 1) * sd / math.sqrt(n)
            out.update(sd=sd, ci_low=max(0.0, m - half), ci_high=min(100.0, m + half))
        fav = sum(1 for x in answers if x >= 4)
        p, na = fav / len(answers), len(answers)
        centre = (p + Z * Z / (2 * na)) / (1 + Z * Z / na)
        half = Z * math.sqrt(p * (1 - p) / na + Z * Z / (4 * na * na)) / (1 + Z * Z / na)
        out.update(
            favourable_pct=100 * p,
            favourable_low=100 * max(0.0, centre - half),
            favourable_high=100 * min(1.0, centre + half),
        )
        bands = sorted(self.dims[(rubric, dim)][1], key=lambda b: b["min"])
        top = max(b["max"] for b in bands)
        out["band"] = next(
            (
                b["label"]
                for b in bands
                if b["min"] <= m < b["max"] or (b["max"] == top and m == top)
            ),
            "",
        )
        return out

    def trust(self, rubric: int, period, team: int) -> dict | None:
        num = den = 0.0
        for (r, key), (weight, _) in self.dims.items():
            if r != rubric:
                continue
            cell = self.dimension(rubric, period, team, key)
            if cell is not None:
                num += weight * cell["score"]
                den += weight
        respondents = [
            rid
            for rid, by_dim in self.scores[(rubric, period)].items()
            if self.team_of[rid] in self.subtree[team] and any(by_dim.values())
        ]
        if not respondents or den == 0:
            return None
        return {"n": len(respondents), "score": num / den}


def _close(api_value, expected) -> bool:
    if expected is None:
        return api_value is None
    return api_value is not None and abs(api_value - expected) <= TOL


def check_everything(client: Client, org: Organization, user: object) -> int:
    """Compare every visible number of the API (as `user`) to the raw recomputation."""
    raw = Raw(org)
    client.force_login(user)
    data = client.get("/api/v1/results/").json()
    k = org.anonymity_k
    checked = 0
    for row in data["results"]:
        period = dt.date.fromisoformat(row["period"])
        team = row["team_id"]
        rubric = next(r for r, p in raw.scores if p == period)
        cells = [("trust", None, row["trust_index"])] + [
            ("dim", c["key"], c) for c in row["dimensions"]
        ]
        for kind, key, cell in cells:
            if cell["suppressed"]:
                assert set(cell) <= {"suppressed", "reason", "key", "name"}, cell
                continue
            assert cell["n"] >= k, (row["team_name"], row["period"], key)
            exp = (
                raw.trust(rubric, period, team)
                if kind == "trust"
                else raw.dimension(rubric, period, team, key)
            )
            for field, value in exp.items():
                if field.startswith("_"):
                    continue
                if field == "band" or field == "n":
                    assert cell[field] == value, (row["team_name"], period, key, field)
                else:
                    assert _close(cell[field], value), (row["team_name"], period, key, field)
            if cell.get("delta") is not None:
                prev = previous_period(period, org.reporting_period)
                before = (
                    raw.trust(rubric, prev, team)
                    if kind == "trust"
                    else raw.dimension(rubric, prev, team, key)
                )
                assert _close(cell["prev_score"], before["score"])
                assert _close(cell["delta"], exp["score"] - before["score"])
                if kind == "dim" and min(len(exp["_r"]), len(before["_r"])) >= 2:
                    welch = ttest_ind(exp["_r"], before["_r"], equal_var=False)
                    if not math.isnan(welch.pvalue):
                        assert _close(cell["p_value"], float(welch.pvalue))
                        assert cell["significant"] == bool(welch.pvalue < 0.05)
            checked += 1
    return checked


class IndependentRecomputeTests(BaseTestCase):
    def test_every_number_of_the_api_matches_the_formulas_on_raw_answers(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        build(self.org, teams)
        snapshot_recompute(org_id=self.org.id)
        assert check_everything(self.client, self.org, self.owner) >= 15


class DemoRecomputeTests(TestCase):
    def test_the_demo_org_results_match_the_formulas_and_mark_suppressed_cells(self) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--seed", "42", verbosity=0)
        org = Organization.objects.get(slug="northwind")
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="admin")
        assert check_everything(self.client, org, admin) >= 100
        data = self.client.get("/api/v1/results/").json()
        reasons = {
            c.get("reason")
            for r in data["results"]
            for c in [r["trust_index"], *r["dimensions"]]
            if c["suppressed"]
        }
        assert reasons & {"fewer_than_k", "complementary"}
        page = self.client.get("/results/")
        assert page.status_code == 200 and b"Trust index" in page.content
