"""A recompute's release prepared outside the write transaction is stored exactly as the
release decided inside it (issue 15, Deliver 2): same rows, same header, same ledger sets."""

from __future__ import annotations

import dataclasses
import random
from typing import Any
from unittest import mock

from django.db import transaction

from orgs.models_ledger import ReleasedSet
from scoring import releases
from scoring.models_release import ResultRelease, ResultReleaseRow
from scoring.services import snapshot_recompute
from surveys.models import PeriodRespondentCount
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P2, add_responses, build


def _release_dump(org_id: int) -> tuple[Any, ...]:
    latest = ResultRelease.objects.filter(organization_id=org_id).latest("pk")
    rows = list(
        ResultReleaseRow.objects.filter(release=latest)
        .order_by("team_key", "period", "rubric_id")
        .values_list("team_key", "period", "rubric_id", "cells")
    )
    return (latest.trigger, latest.rows, latest.refused, latest.columns, rows)


def _ledger_dump(org_id: int) -> list[tuple[Any, ...]]:
    return list(
        ReleasedSet.objects.filter(organization_id=org_id)
        .order_by("measure", "fingerprint")
        .values_list(
            "source", "measure", "fingerprint", "size", "ids", "id_rounds", "rounds", "first_label"
        )
    )


class PreparedReleaseTests(BaseTestCase):
    def setUp(self) -> None:
        # Engineering > Platform, Mobile; Sales: two periods, Sales under k in the second.
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)

    def _history(self, *, inside: bool) -> tuple[list[Any], list[bool]]:
        """Two releases (the rounds; then 3 late Sales answers of the second period, whose
        org cell the ledger must refuse: 3 < k more than released), rolled back after."""
        held: list[bool] = []
        real = releases.results_release_commit

        def commit(**kw: Any) -> Any:
            if inside:  # a stamp that never matches: decided again in the write
                kw["prepared"] = dataclasses.replace(kw["prepared"], stamp=("stale",))
            out = real(**kw)
            held.append(out[1])
            return out

        dumps: list[Any] = []
        with (
            mock.patch("scoring.services.results_release_commit", side_effect=commit),
            transaction.atomic(),
        ):
            snapshot_recompute(org_id=self.org.id)
            dumps.append((_release_dump(self.org.id), _ledger_dump(self.org.id)))
            add_responses(self.rounds["p2"], self.sales, 3, random.Random(7))
            PeriodRespondentCount.objects.filter(
                organization=self.org, period=P2, team=self.sales
            ).update(people=5)
            PeriodRespondentCount.objects.filter(
                organization=self.org, period=P2, team=None
            ).update(people=18)
            snapshot_recompute(org_id=self.org.id)
            dumps.append((_release_dump(self.org.id), _ledger_dump(self.org.id)))
            transaction.set_rollback(True)
        return dumps, held

    def test_the_prepared_release_stores_the_same_rows_and_ledger_sets_as_the_in_transaction_one(
        self,
    ) -> None:
        prepared, held = self._history(inside=False)
        decided_inside, held_inside = self._history(inside=True)
        assert held == [True, True]  # nothing moved between prepare and commit
        assert held_inside == [False, False]
        assert prepared == decided_inside
        (first, first_sets), (second, second_sets) = prepared
        assert first[1] > 0 and first_sets  # rows and sets were released
        assert any('"fewer_than_k"' in cells for *_, cells in first[4])  # Sales, 2nd period
        assert second[2] > 0 and any('"ledger"' in cells for *_, cells in second[4])
        assert len(second_sets) > len(first_sets)
