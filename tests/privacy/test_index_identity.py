"""Attack: solve a hidden dimension from the trust index and the shown dimensions, on the demo.

Issue 9, recovery 1: "People, 2026-06: index 64.92 and six visible dimensions give
constructive response = 56.23" — the index is the weighted mean of every dimension of the
cell, hidden ones included. This test replays the attack on every cell the `leader` and the
`admin` can read through the results API: for a shown index, every dimension it was computed
from must be shown, so there is no hidden unknown to solve for; and no solved value may
match a stored hidden score.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase

from orgs.models import Organization
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from surveys.models import Dimension

TOL = 0.05  # scores are reported to two decimals


def solve_hidden(row: dict, weights: dict[str, float]) -> dict[str, float]:
    """The attacker's step: hidden dimensions the index identity determines (one unknown)."""
    index = row["trust_index"]
    if index["suppressed"]:
        return {}
    shown = {c["key"]: c["score"] for c in row["dimensions"] if not c["suppressed"]}
    hidden = [c["key"] for c in row["dimensions"] if c["suppressed"]]
    if len(hidden) != 1:  # 0: nothing to learn; 2+: one equation, several unknowns
        return {}
    (key,) = hidden
    total = sum(weights[k] for k in [*shown, key])
    value = (index["score"] * total - sum(weights[k] * s for k, s in shown.items())) / weights[key]
    return {key: value}


class IndexIdentityOnTheDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--seed", "42", verbosity=0)
        cls.org = Organization.objects.get(slug="northwind")

    def _attack(self, username: str) -> tuple[int, list[tuple]]:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        data = client.get("/api/v1/results/").json()
        rubric_of = {
            s.period.isoformat(): s.rubric_id
            for s in TrustIndexSnapshot.objects.filter(organization=self.org)
        }
        weights = {
            (d.rubric_id, d.key): d.weight
            for d in Dimension.objects.filter(rubric_id__in=set(rubric_of.values()))
        }
        stored = {
            (s.team_key, s.period.isoformat(), s.dimension_key): (s.score, s.n)
            for s in DimensionSnapshot.objects.filter(organization=self.org)
        }
        shown_indexes = 0
        recovered: list[tuple] = []
        for row in data["results"]:
            rubric = rubric_of[row["period"]]
            rubric_weights = {k: w for (r, k), w in weights.items() if r == rubric}
            if row["trust_index"]["suppressed"]:
                continue
            shown_indexes += 1
            # Every dimension the index was computed from (stored n > 0) is shown.
            for cell in row["dimensions"]:
                n = stored.get((row["team_id"], row["period"], cell["key"]), (None, 0))[1]
                if n > 0:
                    assert not cell["suppressed"], (username, row["team_name"], row["period"])
            for key, value in solve_hidden(row, rubric_weights).items():
                truth = stored[(row["team_id"], row["period"], key)][0]
                if abs(value - truth) <= TOL:
                    recovered.append((row["team_name"], row["period"], key, value))
        return shown_indexes, recovered

    def test_the_leader_recovers_no_hidden_dimension(self) -> None:
        shown, recovered = self._attack("leader")
        assert shown > 0  # the attack had something to work on
        assert recovered == []

    def test_the_admin_recovers_no_hidden_dimension(self) -> None:
        shown, recovered = self._attack("admin")
        assert shown > 0
        assert recovered == []

    def test_the_attack_works_on_figures_released_the_old_way(self) -> None:
        # Guard against a vacuous attack: with the stored scores of one cell whose index was
        # computed with a dimension hidden, solve_hidden gives that dimension back.
        trust = TrustIndexSnapshot.objects.filter(organization=self.org, team_key=0).first()
        assert trust is not None
        cells = list(
            DimensionSnapshot.objects.filter(
                organization=self.org, team_key=0, period=trust.period, rubric_id=trust.rubric_id
            )
        )
        weights = {d.key: d.weight for d in Dimension.objects.filter(rubric_id=trust.rubric_id)}
        hidden, *shown = cells
        row = {
            "trust_index": {"suppressed": False, "score": trust.score},
            "dimensions": [{"key": hidden.dimension_key, "suppressed": True}]
            + [{"key": c.dimension_key, "suppressed": False, "score": c.score} for c in shown],
        }
        (value,) = solve_hidden(row, weights).values()
        assert abs(value - hidden.score) <= TOL

    def test_a_hidden_index_carries_no_trend_or_number(self) -> None:
        client = Client()
        client.force_login(get_user_model().objects.get(username="admin"))
        data = client.get("/api/v1/results/").json()
        hidden = [r["trust_index"] for r in data["results"] if r["trust_index"]["suppressed"]]
        assert any(c["reason"] == "part_hidden" for c in hidden)  # the rule fired on the demo
        assert all(set(c) == {"suppressed", "reason"} for c in hidden)
