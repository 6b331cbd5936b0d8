"""A set recorded in the ledger while a release is being prepared outside the write
transaction (an ad-hoc filter checked meanwhile) makes the release decide again in its write,
so the two together never isolate fewer than k people (issue 15, Deliver 2)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np

from orgs.ledger import ANY_MEASURE, disclosure_check_adhoc_sets, ledger_ids
from orgs.models_ledger import LedgerSource, ReleasedSet
from scoring import services
from scoring.services import snapshot_recompute
from surveys.models import Invitation, PulseRound, Response
from surveys.services.responses import response_submit, responses_flush
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class AdhocSetDuringPrepareTests(BaseTestCase):
    def _round_answered_by(self, n: int) -> PulseRound:
        people = add_people(self.org, self.sales, n, prefix="a")
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        items = list(rnd.items.all())
        for inv in Invitation.objects.filter(round=rnd, person__in=people):
            response_submit(token=token_of(inv), answers={i.key: 4 for i in items})
        responses_flush(round_id=rnd.pk, force=True)
        # Closed without running its on-commit recompute: the release below is the first.
        with self.captureOnCommitCallbacks(execute=False):
            assert round_close(round_id=rnd.pk)
        return rnd

    def test_a_filter_recorded_between_prepare_and_commit_cannot_isolate_two_people(
        self,
    ) -> None:
        k = self.org.k
        rnd = self._round_answered_by(k + 2)
        ids = list(Response.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True))
        subset = ids[:k]  # a filter of k of them: allowed alone (nothing released yet)
        real = services.results_release_prepare
        prepared_shown: list[frozenset[str]] = []

        def prepare_then_filter(**kw: Any) -> Any:
            prepared = real(**kw)
            prepared_shown.append(prepared.settlement.settlement.shown)
            allowed, _ = disclosure_check_adhoc_sets(
                org=self.org, sets={("attack", ANY_MEASURE): subset}, round_ids=[rnd.pk]
            )
            assert allowed  # the attacker's filter went through first
            return prepared

        with mock.patch.object(services, "results_release_prepare", prepare_then_filter):
            snapshot_recompute(org_id=self.org.id)

        whole = set(ledger_ids(ids).tolist())
        part = set(ledger_ids(subset).tolist())
        # The attack: the prepared release would have shown the Sales cells over all k + 2
        # answers, which with the filter's k leave 2 people: fewer than k.
        assert any(f"|{self.sales.pk}|" in label for label in prepared_shown[0])
        assert len(whole - part) < k
        # Decided again in the write: no released pulse set differs from the filter by
        # 1 … k − 1 responses.
        for (blob,) in ReleasedSet.objects.filter(
            organization=self.org, source=LedgerSource.PULSE
        ).values_list("ids"):
            released = set(np.frombuffer(bytes(blob), dtype="S16").tolist())
            assert not 0 < len(released ^ part) < k, len(released ^ part)
        self.login(self.owner)
        results = self.client.get("/api/v1/results/").json()["results"]
        sales = [
            r for r in results if r["team_id"] == self.sales.pk and r["period"] == str(rnd.period)
        ]
        assert sales and sales[0]["trust_index"]["suppressed"]
        assert sales[0]["trust_index"].get("reason") == "ledger"
