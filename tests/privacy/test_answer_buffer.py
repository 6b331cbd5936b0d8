"""Answers wait in a buffer and reach the response tables in shuffled batches of at least k."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from decisions.checkin_flush import checkins_flush
from decisions.checkins import checkin_submit
from decisions.models import CheckInResponse, PendingCheckIn
from surveys.models import Invitation, PendingResponse, Response
from surveys.services.responses import response_attributes_shared, response_submit, responses_flush
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.decisions.base import DecisionTestCase
from tests.factories import invitation_token, people_make, person_make, round_make


def _submit_all(invitations: list[Invitation], value_of: dict[int, int]) -> None:
    for inv in invitations:
        key = inv.round.round_items.select_related("item").first().item.key  # type: ignore[union-attr]
        response_submit(token=invitation_token(inv), answers={key: value_of[inv.pk]})


class PulseBufferTests(BaseTestCase):
    def setUp(self) -> None:
        # One location for everyone: the attributes put nobody in a group of their own.
        for i in range(12):
            person_make(org=self.org, team=self.sales, name=f"S{i}", attributes={"site": "HQ"})
        self.round = round_make(org=self.org, teams=[self.sales])
        self.invs = list(self.round.invitations.order_by("id"))

    def test_a_submit_writes_no_response_until_a_flush(self) -> None:
        _submit_all(self.invs[:1], {self.invs[0].pk: 3})
        assert PendingResponse.objects.count() == 1 and not Response.objects.exists()
        pending = PendingResponse.objects.get()
        fields = {f.name for f in PendingResponse._meta.get_fields()}
        assert not fields & {"person", "invitation", "token", "token_hash", "created_at"}
        assert pending.attributes == {"site": "HQ"}

    def test_no_flush_below_k_while_the_round_is_open(self) -> None:
        _submit_all(self.invs[:4], {inv.pk: 3 for inv in self.invs})
        assert responses_flush(round_id=self.round.pk) == []
        assert PendingResponse.objects.count() == 4 and not Response.objects.exists()

    def test_k_answers_of_one_group_are_flushed_and_leave_the_buffer(self) -> None:
        _submit_all(self.invs[:5], {inv.pk: 3 for inv in self.invs})
        buffered_ids = set(PendingResponse.objects.values_list("id", flat=True))
        written = responses_flush(round_id=self.round.pk)
        assert len(written) == 5 == Response.objects.count()
        assert not PendingResponse.objects.exists()
        assert not buffered_ids & set(Response.objects.values_list("id", flat=True))
        assert {r.submitted_on for r in written} == {timezone.localdate()}

    def test_round_close_flushes_everything_below_k(self) -> None:
        _submit_all(self.invs[:2], {inv.pk: 3 for inv in self.invs})
        round_close(round_id=self.round.pk)
        assert Response.objects.count() == 2 and not PendingResponse.objects.exists()

    def test_the_batch_order_does_not_follow_the_submission_order(self) -> None:
        # Answer values 1..5 cycled in submission order; across many seeded flushes the
        # position of the first submitted answer in the written batch is spread evenly.
        positions: list[int] = []
        for seed in range(200):
            batch = [
                PendingResponse(
                    organization=self.org,
                    round=self.round,
                    team=self.sales,
                    period=self.round.period,
                    answers={},
                    comment=str(i),
                )
                for i in range(10)
            ]
            PendingResponse.objects.bulk_create(batch)
            written = responses_flush(round_id=self.round.pk, rng=random.Random(seed))
            order = [int(r.comment) for r in written]
            assert sorted(order) == list(range(10))
            positions.append(order.index(0))
            Response.objects.all().delete()
        # Unshuffled, it would be 0 every time; shuffled, each of 10 places ~20 times.
        counts = [positions.count(p) for p in range(10)]
        assert min(counts) >= 5 and max(counts) <= 45, counts
        assert sum(1 for p in positions if p == 0) < 50


class AttributeRuleTests(BaseTestCase):
    def test_a_value_fewer_than_k_invitees_share_is_left_off(self) -> None:
        peers = [{"site": "HQ"}] * 5 + [{"site": "Remote"}] * 2
        assert response_attributes_shared(mine={"site": "HQ"}, peers=peers, k=5) == {}

    def test_a_value_k_invitees_share_is_kept(self) -> None:
        peers = [{"site": "HQ"}] * 5 + [{"site": "Remote"}] * 5
        got = response_attributes_shared(mine={"site": "Remote"}, peers=peers, k=5)
        assert got == {"site": "Remote"}

    def test_two_common_values_that_are_rare_together_are_not_both_kept(self) -> None:
        peers = (
            [{"site": "HQ", "band": "new"}] * 5
            + [{"site": "HQ", "band": "old"}] * 1
            + [{"site": "Remote", "band": "old"}] * 5
        )
        # Each value alone is shared by >= 5 (HQ 6, old 6), but HQ+old is one person.
        got = response_attributes_shared(mine={"site": "HQ", "band": "old"}, peers=peers, k=5)
        assert got in ({}, {"band": "old"}, {"site": "HQ"})
        by_result: dict[str, int] = {}
        for p in peers:
            out = response_attributes_shared(mine=p, peers=peers, k=5)
            by_result[repr(sorted(out.items()))] = by_result.get(repr(sorted(out.items())), 0) + 1
        assert min(by_result.values()) >= 5, by_result

    def test_the_rule_is_applied_on_submit_per_team_and_round(self) -> None:
        people_make(org=self.org, team=self.sales, n=6)  # 3 Berlin, 3 Remote: below k
        for i in range(5):
            person_make(org=self.org, team=self.mobile, name=f"M{i}", attributes={"site": "HQ"})
        rnd = round_make(org=self.org, teams=[self.sales, self.mobile])
        for inv in rnd.invitations.all():
            key = rnd.round_items.select_related("item").first().item.key  # type: ignore[union-attr]
            response_submit(token=invitation_token(inv), answers={key: 4})
        got = {
            (row.team_id, tuple(sorted(row.attributes.items())))
            for row in PendingResponse.objects.all()
        }
        assert got == {(self.sales.pk, ()), (self.mobile.pk, (("site", "HQ"),))}


class CheckInBufferTests(DecisionTestCase):
    def test_check_ins_wait_for_k_or_the_window_close(self) -> None:
        d = self.decide(teams=[self.platform])
        people = self.platform_people[:4]
        raws = [self.invite(d, p) for p in people]
        # A fifth invitee who has not answered keeps the window open.
        self.invite(d, self.mobile_people[0])
        for raw in raws:
            checkin_submit(raw_token=raw, holding=4, acted="yes", rediscussed="never")
        assert checkins_flush(decision_id=d.pk) == []
        assert PendingCheckIn.objects.count() == 4 and not CheckInResponse.objects.exists()
        later = timezone.now() + dt.timedelta(days=30)
        written = checkins_flush(decision_id=d.pk, now=later)  # every link has expired
        assert len(written) == 4 and not PendingCheckIn.objects.exists()
