"""Attack 2 of issue 9 on the read path: the n that k is tested on, and the n shown, are people.

"Two people answering three rounds made a cell visible with n = 6." The stored snapshot
still counts responses (each one enters the mean); the results page/API test k on, and
show, the distinct people of the cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from decisions.checkin_flush import checkins_flush
from decisions.checkins import CHECKIN_LINK, checkin_invitation_new, checkin_submit
from decisions.metrics import decision_results
from decisions.models import CheckInResponse, Decision
from scoring.models import TrustIndexSnapshot
from surveys.models import Invitation
from surveys.services.responses import response_submit
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class PeopleOnTheReadPathTests(BaseTestCase):
    def rounds_answered(self, people: int, rounds: int) -> None:
        add_people(self.org, self.sales, people)
        for _ in range(rounds):
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [self.sales])
            items = list(rnd.items.all())
            for inv in Invitation.objects.filter(round=rnd):
                response_submit(token=token_of(inv), answers={i.key: 4 for i in items})
            with self.captureOnCommitCallbacks(execute=True):
                assert round_close(round_id=rnd.pk)

    def sales_row(self) -> dict[str, Any]:
        self.login(self.owner)
        rows = self.client.get("/api/v1/results/").json()["results"]
        [row] = [r for r in rows if r["team_id"] == self.sales.pk]
        return row

    def test_two_people_answering_three_rounds_never_make_a_cell_visible(self) -> None:
        self.rounds_answered(people=2, rounds=3)
        stored = TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales)
        assert stored.n == 6  # six responses: counted as respondents, this cell was shown
        row = self.sales_row()
        assert row["trust_index"] == {"suppressed": True, "reason": "fewer_than_k"}
        assert all(d["suppressed"] and "n" not in d for d in row["dimensions"])
        assert "score" not in row["trust_index"]

    def test_the_n_shown_is_people_not_responses(self) -> None:
        self.rounds_answered(people=5, rounds=2)
        assert TrustIndexSnapshot.objects.get(organization=self.org, team=self.sales).n == 10
        row = self.sales_row()
        assert row["trust_index"]["suppressed"] is False
        assert row["trust_index"]["n"] == 5
        assert {d["n"] for d in row["dimensions"]} == {5}


class DecisionPeopleOnTheReadPathTests(BaseTestCase):
    def test_three_stakeholders_at_7_and_30_days_never_show_n_6(self) -> None:
        people = add_people(self.org, self.sales, 3)
        decision = Decision.objects.create(
            organization=self.org, title="Weekly releases", decided_on=dt.date(2026, 1, 5)
        )
        start = dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC)
        for offset in (7, 30):
            sent = start + dt.timedelta(days=offset - 7)
            for person in people:
                inv = checkin_invitation_new(
                    org_id=self.org.pk,
                    decision_id=decision.pk,
                    offset_days=offset,
                    person_id=person.pk,
                    team_id=self.sales.pk,
                )
                inv.sent_at = sent
                inv.save()
                checkin_submit(
                    raw_token=CHECKIN_LINK.token(inv),
                    holding=4,
                    acted="yes",
                    rediscussed="never",
                    now=sent,
                )
        checkins_flush(decision_id=decision.pk, now=start + dt.timedelta(days=120))
        assert CheckInResponse.objects.filter(decision=decision).count() == 6
        result = decision_results(org=self.org, decision_ids=[decision.pk])[decision.pk]
        assert result["suppressed"] is True
        assert result["n"] is None and result.get("stability_pct") is None
