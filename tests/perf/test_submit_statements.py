"""A survey submission costs a pinned number of SQL statements; the round's statements are
read once per round and process (cached), not on every submit."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Person
from surveys.models import Invitation, PendingResponse, PulseRound, RoundStatus
from surveys.selectors_forms import round_cache_clear, round_form
from surveys.services.claims import spend_while_open
from surveys.services.errors import RoundClosed, TokenUsed
from surveys.services.responses import response_submit
from tests.base import BaseTestCase
from tests.factories import invitation_token, people_make, round_make

# Transaction control (BEGIN/SAVEPOINT, COMMIT/RELEASE) is not counted: it is not a query.
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


class SubmitStatementsTests(BaseTestCase):
    def setUp(self) -> None:
        round_cache_clear()
        people_make(org=self.org, team=self.platform, n=6)
        self.rnd = round_make(org=self.org, teams=[self.platform])
        self.invs = list(Invitation.objects.filter(round=self.rnd).order_by("id"))
        self.keys = [it.key for it in round_form(round=self.rnd, form_index=0)]

    def submit(self, inv: Invitation) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            response_submit(
                token=invitation_token(inv), answers=dict.fromkeys(self.keys, 4), form=0
            )
        return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(CONTROL)]

    def without_attributes(self, inv: Invitation) -> Invitation:
        Person.objects.filter(pk=inv.person_id).update(attributes={})
        return inv

    def test_a_warm_submit_is_one_read_and_two_writes(self) -> None:
        self.submit(self.without_attributes(self.invs[0]))  # warms the round's cache
        sql = self.submit(self.without_attributes(self.invs[1]))
        assert len(sql) == 3, sql
        assert sql[0].startswith("SELECT") and "surveys_invitation" in sql[0]
        # the token spent only while the round is open, in the same statement
        assert sql[1].startswith("UPDATE") and "surveys_pulseround" in sql[1]
        assert sql[2].startswith("INSERT") and "surveys_pendingresponse" in sql[2]
        assert PendingResponse.objects.count() == 2

    def test_the_round_items_are_read_once_per_round(self) -> None:
        first = self.submit(self.without_attributes(self.invs[0]))
        later = [self.submit(self.without_attributes(inv)) for inv in self.invs[1:4]]
        assert sum("surveys_item" in q for q in first) == 1
        assert all(not any("surveys_item" in q for q in sql) for sql in later)

    def test_a_person_with_attributes_costs_one_read_of_the_peers_more(self) -> None:
        self.submit(self.without_attributes(self.invs[0]))
        inv = self.invs[1]
        Person.objects.filter(pk=inv.person_id).update(attributes={"location": "Berlin"})
        assert len(self.submit(inv)) == 4

    def test_a_token_spent_since_the_lookup_is_not_spent_again(self) -> None:
        inv = Invitation.objects.get(pk=self.invs[1].pk)  # read before another submitter won
        Invitation.objects.filter(pk=inv.pk).update(used=True)
        assert spend_while_open(inv=inv) is False

    def test_a_round_closed_since_the_lookup_spends_nothing(self) -> None:
        inv = Invitation.objects.get(pk=self.invs[0].pk)
        PulseRound.objects.filter(pk=self.rnd.pk).update(status=RoundStatus.CLOSED)
        assert spend_while_open(inv=inv) is False
        assert not Invitation.objects.get(pk=inv.pk).used
        with self.assertRaises(RoundClosed):
            self.submit(inv)
        assert PendingResponse.objects.count() == 0

    def test_an_open_round_and_unused_token_are_spent_once(self) -> None:
        inv = Invitation.objects.get(pk=self.invs[0].pk)
        assert spend_while_open(inv=inv) is True
        assert spend_while_open(inv=inv) is False
        with self.assertRaises(TokenUsed):
            self.submit(inv)
