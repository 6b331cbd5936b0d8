"""A database reader tries to link answers to people on PostgreSQL, and must fail.

The attacks of issue 9 (item 6): join invitation.xmin with response.xmin (the claim and the
insert in one transaction), pair the row order of responses (ctid) with the order in which
invitations were used, and match a response's attributes with the people who answered.
Each person submits in their own committed transaction, as in production; the flushes run
as the tasks queued after each answer and the round close would run them.
"""

from __future__ import annotations

import json
import random

import pytest
from django.db import connection
from django.test import TransactionTestCase

from decisions.checkins import checkin_submit
from decisions.models import CheckInResponse, PendingCheckIn
from orgs.models import Organization, Team
from surveys.models import Invitation, PendingResponse, Response
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.responses import response_submit
from surveys.services.rounds import round_close
from tests.factories import checkin_invite, decision_make, invitation_token, person_make
from tests.factories import round_make as make_round

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="xmin and ctid are PostgreSQL system columns (run with make test-services)",
)

PEOPLE = 40


def _rows(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


class DatabaseReaderTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        rubric_install(data=rubric_read())
        self.org = Organization.objects.create(name="Reader", slug="reader", anonymity_k=5)
        self.team = Team.objects.create(organization=self.org, name="Crew")
        self.people = [
            person_make(
                org=self.org,
                team=self.team,
                name=f"P{i}",
                # Two common locations, and a tenure band only two people have.
                attributes={
                    "location": "Berlin" if i % 2 else "Remote",
                    "tenure": "10y+" if i < 2 else "1-3y",
                },
            )
            for i in range(PEOPLE)
        ]

    def test_pulse_answers_cannot_be_linked_by_xmin_row_order_or_attributes(self) -> None:
        rnd = make_round(org=self.org, teams=[self.team])
        key = rnd.round_items.select_related("item").first().item.key  # type: ignore[union-attr]
        invs = list(Invitation.objects.filter(round=rnd).select_related("person"))
        random.Random(7).shuffle(invs)
        truth: dict[str, int] = {}  # comment -> person (what the attacker wants to recover)
        for n, inv in enumerate(invs):
            comment = f"c{n}"
            truth[comment] = inv.person_id
            response_submit(token=invitation_token(inv), answers={key: 1 + n % 5}, comment=comment)
        # The claims as a reader sees them just before the close (which deletes invitations).
        claims = _rows(
            "SELECT person_id, xmin::text::bigint FROM surveys_invitation"
            f" WHERE round_id = {rnd.pk} AND used"
        )
        round_close(round_id=rnd.pk)
        assert Response.objects.filter(round=rnd).count() == PEOPLE
        assert not PendingResponse.objects.exists()
        answers = _rows(
            "SELECT comment, xmin::text::bigint, attributes::text FROM surveys_response"
            f" WHERE round_id = {rnd.pk} ORDER BY ctid"
        )
        # 1. Transaction ids: no response shares one with any claim, and every batch holds
        #    at least k answers except the closing one.
        claim_xids = {xid for _, xid in claims}
        assert not claim_xids & {xid for _, xid, _ in answers}
        batches: dict[object, int] = {}
        for _, xid, _ in answers:
            batches[xid] = batches.get(xid, 0) + 1
        assert sum(1 for size in batches.values() if size < 5) <= 1, batches

        # 2. Row order: pair the i-th response (ctid) with the i-th claim (xid order).
        by_claim = [pid for pid, xid in sorted(claims, key=lambda c: str(c[1]).zfill(20))]
        hits = sum(
            1
            for (comment, _, _), pid in zip(answers, by_claim, strict=True)
            if truth[str(comment)] == pid
        )
        # Shuffled batches of 5: about one hit per batch by chance (8 expected); submission
        # order kept would give all 40.
        assert hits < PEOPLE // 2, hits

        # 3. Attributes: every response's attributes fit at least k of the people who answered.
        attrs = {p.pk: p.attributes for p in self.people}
        for _, _, stored in answers:
            shown = json.loads(str(stored))
            fits = [pid for pid, _ in claims if shown.items() <= attrs[int(str(pid))].items()]
            assert len(fits) >= 5, (shown, len(fits))
            assert shown.get("tenure") != "10y+"

    def test_check_in_answers_share_no_transaction_with_their_claim(self) -> None:
        decision = decision_make(org=self.org, teams=[self.team])
        raws = [checkin_invite(decision=decision, person=p) for p in self.people[:12]]
        for raw in raws:
            checkin_submit(raw_token=raw, holding=4, acted="yes", rediscussed="never")
        # Every link used: the window is closed, the last flush wrote the rest.
        assert not PendingCheckIn.objects.exists()
        assert CheckInResponse.objects.filter(decision=decision).count() == 12
        claim_xids = {
            xid
            for (xid,) in _rows(
                "SELECT xmin::text::bigint FROM decisions_checkininvitation"
                f" WHERE decision_id = {decision.pk} AND used"
            )
        }
        answer_xids = [
            xid
            for (xid,) in _rows(
                "SELECT xmin::text::bigint FROM decisions_checkinresponse"
                f" WHERE decision_id = {decision.pk}"
            )
        ]
        assert len(claim_xids) == 12
        assert not claim_xids & set(answer_xids)
        assert min(answer_xids.count(x) for x in set(answer_xids)) >= 2
