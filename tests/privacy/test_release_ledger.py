"""Attacks over time on pulse releases (issue 9, Deliver 4): every release is checked against all
earlier ones, so reading before and after a change never gives fewer than k answers back.

Each test reads the results API as the admin (who sees every team), changes something that
would add or remove 1 … k − 1 responses behind a released cell, reads again, and checks
that every cell shown in the second read is either identical to the same cell in the first
or hidden — with the ledger's reason where the ledger did it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orgs.services import team_update
from scoring.models_release import ReleaseTrigger, ResultRelease
from scoring.services import snapshot_recompute_round
from surveys.models import Answer, Invitation, PulseRound, Response
from surveys.services.responses import response_submit, responses_flush
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


def shown_cells(results: list[dict]) -> dict[tuple, dict]:
    """(team, period, measure) → the cell, for every cell that carries numbers."""
    out = {}
    for r in results:
        for cell in [{**r["trust_index"], "key": "index"}, *r["dimensions"]]:
            if not cell["suppressed"]:
                out[(r["team_id"], r["period"], cell["key"])] = cell
    return out


def all_cells(results: list[dict]) -> dict[tuple, dict]:
    return {
        (r["team_id"], r["period"], c["key"]): c
        for r in results
        for c in [{**r["trust_index"], "key": "index"}, *r["dimensions"]]
    }


class ReleaseLedgerAttackTests(BaseTestCase):
    def answer(self, rnd: PulseRound, people: list[Any], value: int) -> None:
        items = list(rnd.items.all())
        for inv in Invitation.objects.filter(round=rnd, person__in=people):
            response_submit(token=token_of(inv), answers={i.key: value for i in items})
        responses_flush(round_id=rnd.pk, force=True)

    def close(self, rnd: PulseRound) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=rnd.pk)

    def read(self) -> list[dict]:
        self.login(self.owner)
        r = self.client.get("/api/v1/results/")
        assert r.status_code == 200
        return r.json()["results"]

    def assert_nothing_new(self, before: list[dict], after: list[dict]) -> None:
        """Every cell shown after is the same cell, with the same numbers, as before."""
        old = shown_cells(before)
        for key, cell in shown_cells(after).items():
            assert key in old, f"{key} newly shown: {cell}"
            assert cell == old[key], f"{key} changed: {old[key]} → {cell}"

    def second_round_adds(self, extra: int) -> None:
        team = self.sales
        first = add_people(self.org, team, 5, prefix="a")
        with self.captureOnCommitCallbacks(execute=True):
            r1 = open_round(self.org, [team])
        self.answer(r1, first, 4)
        self.close(r1)
        before = self.read()
        assert shown_cells(before)  # the first round is released
        later = add_people(self.org, team, extra, prefix="b")
        with self.captureOnCommitCallbacks(execute=True):
            r2 = open_round(self.org, [team])
        assert r2.period == r1.period
        self.answer(r2, later, 1)
        self.close(r2)
        after = self.read()
        self.assert_nothing_new(before, after)
        cells = all_cells(after)
        index = cells[(team.pk, str(r1.period), "index")]
        assert index["suppressed"] and "score" not in index
        if extra == self.org.k - 1:  # (with one more, the people count already hides it)
            assert "ledger" in {c.get("reason") for c in cells.values()}

    def test_a_second_round_of_the_same_period_adding_one_person_shows_nothing_new(self) -> None:
        self.second_round_adds(1)

    def test_a_second_round_of_the_same_period_adding_k_minus_1_people_shows_nothing_new(
        self,
    ) -> None:
        self.second_round_adds(self.org.k - 1)

    def test_two_people_answering_three_more_rounds_of_the_period_show_nothing_new(
        self,
    ) -> None:
        team = self.sales
        # 14 + 6 responses over 4 rounds: the read path's people bound (ceil(20 / 4) = 5)
        # shows the cell, so only the ledger can stop the difference of two people.
        first = add_people(self.org, team, 14, prefix="a")
        with self.captureOnCommitCallbacks(execute=True):
            r1 = open_round(self.org, [team])
        self.answer(r1, first, 4)
        self.close(r1)
        before = self.read()
        assert (team.pk, str(r1.period), "index") in shown_cells(before)
        two = add_people(self.org, team, 2, prefix="b")
        for _ in range(3):  # the same two people answer three more rounds of the period
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [team])
            assert rnd.period == r1.period
            self.answer(rnd, two, 1)
            self.close(rnd)
        after = self.read()
        self.assert_nothing_new(before, after)
        index = all_cells(after)[(team.pk, str(r1.period), "index")]
        assert index["suppressed"] and "score" not in index
        assert "ledger" in {c.get("reason") for c in all_cells(after).values()}

    def test_a_second_round_adding_k_people_is_released(self) -> None:
        first = add_people(self.org, self.sales, 5, prefix="a")
        with self.captureOnCommitCallbacks(execute=True):
            r1 = open_round(self.org, [self.sales])
        self.answer(r1, first, 4)
        self.close(r1)
        later = add_people(self.org, self.sales, self.org.k, prefix="b")
        with self.captureOnCommitCallbacks(execute=True):
            r2 = open_round(self.org, [self.sales])
        self.answer(r2, later, 1)
        self.close(r2)
        index = all_cells(self.read())[(self.sales.pk, str(r1.period), "index")]
        assert not index["suppressed"] and index["n"] == 10

    def test_moving_a_small_team_under_another_and_back_recovers_nothing(self) -> None:
        # Platform (6) and Mobile (4, hidden) under Engineering; Sales (6).
        for team, count in ((self.platform, 6), (self.mobile, 4), (self.sales, 6)):
            add_people(self.org, team, count, prefix=f"p{team.pk}")
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.platform, self.mobile, self.sales])
        items = list(rnd.items.all())
        for i, inv in enumerate(Invitation.objects.filter(round=rnd)):
            response_submit(token=token_of(inv), answers={it.key: 1 + i % 5 for it in items})
        self.close(rnd)
        first = self.read()
        period = str(rnd.period)
        assert all_cells(first)[(self.mobile.pk, period, "index")]["suppressed"]

        with self.captureOnCommitCallbacks(execute=True):
            team_update(team=self.mobile, actor=self.owner, parent=self.sales)
        moved = self.read()
        self.assert_nothing_new(first, moved)
        cells = all_cells(moved)
        assert cells[(self.sales.pk, period, "index")]["suppressed"]
        assert cells[(self.eng.pk, period, "index")]["suppressed"]

        with self.captureOnCommitCallbacks(execute=True):
            team_update(team=self.mobile, actor=self.owner, parent=self.eng)
        back = self.read()
        self.assert_nothing_new(first, back)
        assert shown_cells(back) == shown_cells(first)  # the same sets: the same release
        triggers = set(
            ResultRelease.objects.filter(organization=self.org).values_list("trigger", flat=True)
        )
        assert ReleaseTrigger.TEAMS_CHANGED in triggers

    def test_a_late_answer_flushed_into_a_closed_round_changes_nothing_shown(self) -> None:
        people = add_people(self.org, self.sales, 6, prefix="late")
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        self.answer(rnd, people[:5], 4)
        self.close(rnd)
        before = self.read()
        assert shown_cells(before)
        # What a flush of a buffered answer after the close writes (as responses_flush does),
        # then the rescore that flush queues.
        late = Response.objects.create(
            organization=self.org,
            round=rnd,
            team=self.sales,
            period=rnd.period,
            submitted_on=dt.date.today(),
        )
        Answer.objects.bulk_create(
            [Answer(response=late, item=i, value=1) for i in rnd.items.all()]
        )
        snapshot_recompute_round(round_id=rnd.pk)
        after = self.read()
        self.assert_nothing_new(before, after)
        assert all_cells(after)[(self.sales.pk, str(rnd.period), "index")]["reason"] in {
            "ledger",
            "part_hidden",
        }
        latest = ResultRelease.objects.filter(organization=self.org).latest("released_at", "id")
        assert latest.trigger == ReleaseTrigger.LATE_ANSWERS
        assert latest.refused > 0

    def test_reads_serve_the_latest_release_and_queue_nothing(self) -> None:
        people = add_people(self.org, self.sales, 5, prefix="r")
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        self.answer(rnd, people, 3)
        self.close(rnd)
        first = self.read()
        with self.captureOnCommitCallbacks(execute=True) as queued:
            second = self.read()
        assert queued == [] and first == second
        release = ResultRelease.objects.filter(organization=self.org).latest("released_at", "id")
        assert release.trigger == ReleaseTrigger.ROUND_CLOSE and release.round_id == rnd.pk
