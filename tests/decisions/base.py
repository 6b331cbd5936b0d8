"""Shared fixtures of the decisions tests: Acme (tests.base) plus people and a way to answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from decisions.models import Decision
from decisions.releases import decision_results_publish
from orgs.models import Person, Team
from tests.base import BaseTestCase
from tests.factories import checkin_answer_make, checkin_invite, decision_make, person_make


class DecisionTestCase(BaseTestCase):
    """Adds 7 Platform people (Mia Member first), 3 Mobile and 2 Sales people."""

    platform_people: list[Person]
    mobile_people: list[Person]
    sales_people: list[Person]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.platform_people = [cls.member_person] + [
            person_make(
                org=cls.org, name=f"Pat {i}", email=f"pat{i}@acme.example", team=cls.platform
            )
            for i in range(6)
        ]
        cls.mobile_people = [
            person_make(org=cls.org, name=f"Mo {i}", email=f"mo{i}@acme.example", team=cls.mobile)
            for i in range(3)
        ]
        cls.sales_people = [
            person_make(org=cls.org, name=f"Sam {i}", email=f"sam{i}@acme.example", team=cls.sales)
            for i in range(2)
        ]

    def decide(
        self,
        title: str = "Adopt trunk-based development",
        teams: list[Team] | None = None,
        decided_on: dt.date | None = None,
        **kw: Any,
    ) -> Decision:
        """A decision of Acme logged by the owner, affecting Platform unless `teams` is given."""
        return decision_make(
            org=kw.pop("org", self.org),
            actor=kw.pop("actor", self.owner),
            title=title,
            decided_on=decided_on,
            teams=teams if teams is not None else [self.platform],
            **kw,
        )

    def invite(self, decision: Decision, person: Person, offset: int = 7) -> str:
        """An already-sent invitation; returns the raw token (as the email would carry it)."""
        return checkin_invite(decision=decision, person=person, offset_days=offset)

    def answer(
        self,
        decision: Decision,
        person: Person,
        holding: int | None = 4,
        acted: str = "yes",
        rediscussed: str = "never",
        offset: int = 7,
    ) -> None:
        checkin_answer_make(
            decision=decision,
            person=person,
            holding=holding,
            acted=acted,
            rediscussed=rediscussed,
            offset_days=offset,
        )

    def release(self) -> None:
        """Release the per-decision figures, as a check-in window's close (or the hourly
        metrics job) would: pages and the API read releases only."""
        decision_results_publish(org=self.org)
