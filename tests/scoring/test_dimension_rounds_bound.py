"""A dimension's people bound divides a team's answers only by the closed rounds that team
answered: a one-off round of another team in the same period left every team's answers
divided by two, and figures of 6-8 people read "fewer than 5" (found by a new-user walk)."""

from __future__ import annotations

import json
import random

from scoring.disclosure import _rounds_asking
from scoring.models_release import ResultRelease, ResultReleaseRow
from scoring.services import snapshot_recompute
from surveys.models import Item, PulseRound, RoundItem, RubricVersion
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P2, add_responses, build, make_round, people_counts_add


def _asks_every_item(rnd: PulseRound) -> None:
    """The fixture's rounds record no items; the bound counts rounds by what they asked."""
    items = Item.objects.filter(rubric=rnd.rubric).order_by("id")
    RoundItem.objects.bulk_create(
        RoundItem(round=rnd, item=it, position=i) for i, it in enumerate(items)
    )


def _cells(team_id: int) -> dict[str, object]:
    release = ResultRelease.objects.order_by("-released_at", "-id").first()
    row = ResultReleaseRow.objects.get(release=release, team_key=team_id, period=P2)
    return dict(json.loads(row.cells))


class DimensionRoundsBoundTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        for rnd in build(self.org, teams).values():
            _asks_every_item(rnd)
        snapshot_recompute(org_id=self.org.id)
        self.before = _cells(self.platform.pk)

    def one_off(self, team_key: str, n: int) -> None:
        rubric = RubricVersion.objects.get(organization=self.org)
        rnd = make_round(self.org, rubric, P2)
        _asks_every_item(rnd)
        team = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}[team_key]
        add_responses(rnd, team, n, random.Random(99))
        people_counts_add(self.org, P2, {team_key: n}, {team_key: team})
        snapshot_recompute(org_id=self.org.id)

    def test_a_one_off_round_of_another_team_leaves_a_teams_dimensions_shown(self) -> None:
        shown = {m for m, c in self.before.items() if isinstance(c, list)}
        self.assertIn("clarity", shown)  # Platform's 7 people in P2
        self.one_off("sales", 6)
        after = _cells(self.platform.pk)
        self.assertEqual({m for m, c in after.items() if isinstance(c, list)}, shown)

    def test_a_teams_own_second_round_still_divides_its_answers(self) -> None:
        # Platform's 7 answers plus 3 in a second round: at least ceil(10 / 2) = 5 people, not
        # 10 — the same people may have answered both (the bound this rule exists for).
        self.one_off("platform", 3)
        asked = _rounds_asking(self.org, [P2])
        rubric_id = RubricVersion.objects.get(organization=self.org).pk
        self.assertEqual(asked[(P2, rubric_id, self.platform.pk, "clarity")], 2)
        self.assertEqual(asked[(P2, rubric_id, self.mobile.pk, "clarity")], 1)
