"""The release ledger's member sets read in bulk (one row per response) equal the ORM definition."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from orgs.ledger import ledger_ids
from scoring.disclosure import TRUST_MEASURE
from scoring.release_members import release_members, release_members_labelled
from scoring.releases import _labels
from surveys.models import Answer, PulseRound, Response, RoundStatus
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, add_responses, build, make_round
from trustmath.ledger import ID, ROUND, SET


def orm_members(org_id: int, periods: list[dt.date], tree_units: dict[int, list[int]]) -> set:
    """The rule written plainly: each answered (response, dimension), plus the trust index
    for every response that answered anything, goes to its team, the team's ancestors and
    the org (0); closed rounds of the periods only."""
    rows = Answer.objects.filter(
        response__round__organization_id=org_id,
        response__round__status=RoundStatus.CLOSED,
        response__period__in=periods,
        value__isnull=False,
    ).values_list(
        "response_id",
        "response__team_id",
        "response__period",
        "response__round__rubric_id",
        "item__dimension__key",
    )
    out = set()
    for rid, team, period, rubric, key in rows:
        for unit in tree_units.get(team, []):
            for measure in (key, TRUST_MEASURE):
                out.add((period, rubric, unit, measure, rid.bytes))
    return out


def as_set(frame: pd.DataFrame) -> set:
    return {
        (p, int(r), int(t), str(m), bytes(i))
        for p, r, t, m, i in zip(
            frame["period"],
            frame["rubric_id"],
            frame["team_id"],
            frame["measure"],
            frame[ID],
            strict=True,
        )
    }


class BulkReleaseMembersTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)
        tree = self.org.team_tree()
        self.units = {t: [t, *tree.ancestors(t), 0] for t in tree.parent_of}

    def test_the_same_sets_as_the_orm_rule(self) -> None:
        frame = release_members(org=self.org, periods=[P1, P2])
        assert len(frame) == len(as_set(frame))  # one row per (cell, response)
        assert as_set(frame) == orm_members(self.org.pk, [P1, P2], self.units)

    def test_a_response_that_skipped_everything_is_behind_no_cell(self) -> None:
        rnd = self.rounds["p1"]
        add_responses(rnd, self.platform, 1, random.Random(3), skip=1.0)
        skipped = Response.objects.exclude(answers__value__isnull=False).distinct()
        assert skipped.count() == 1
        frame = release_members(org=self.org, periods=[P1])
        assert ledger_ids([skipped.get().pk])[0] not in set(frame[ID])
        assert as_set(frame) == orm_members(self.org.pk, [P1], self.units)

    def test_open_rounds_and_other_periods_are_left_out(self) -> None:
        later = dt.date(2026, 12, 1)
        open_round = make_round(self.org, self.rounds["p1"].rubric, later)
        PulseRound.objects.filter(pk=open_round.pk).update(status=RoundStatus.OPEN)
        add_responses(open_round, self.mobile, 4, random.Random(5))
        frame = release_members(org=self.org, periods=[P2, later])
        assert set(frame["period"]) == {P2}
        assert as_set(frame) == orm_members(self.org.pk, [P2], self.units)

    def test_labels_are_the_snapshot_cells_labels(self) -> None:
        frame = release_members_labelled(org=self.org, periods=[P1, P2])
        cells = frame[["period", "rubric_id", "team_id", "measure"]].astype(
            {"period": object, "measure": object}
        )
        assert list(frame[SET].astype(str)) == list(_labels(cells))

    def test_each_member_carries_its_responses_round(self) -> None:
        frame = release_members(org=self.org, periods=[P1, P2])
        pairs = list(Response.objects.values_list("pk", "round_id"))
        by_id = dict(zip(ledger_ids([p for p, _ in pairs]), [r for _, r in pairs], strict=True))
        assert {(i, int(r)) for i, r in zip(frame[ID], frame[ROUND], strict=True)} == {
            (i, by_id[i]) for i in frame[ID]
        }

    def test_no_periods_no_members(self) -> None:
        assert release_members_labelled(org=self.org, periods=[]).empty
