"""Shared fixtures of the decisions tests: Acme (tests.base) plus people and a way to answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from decisions.checkins import CHECKIN_LINK, checkin_invitation_new, checkin_submit
from decisions.models import Decision
from decisions.services import decision_create
from orgs.models import Person, Team
from tests.base import BaseTestCase


class DecisionTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.platform_people = [cls.member_person] + [
            Person.objects.create(
                organization=cls.org,
                name=f"Pat {i}",
                email=f"pat{i}@acme.example",
                team=cls.platform,
            )
            for i in range(6)
        ]
        cls.mobile_people = [
            Person.objects.create(
                organization=cls.org, name=f"Mo {i}", email=f"mo{i}@acme.example", team=cls.mobile
            )
            for i in range(3)
        ]
        cls.sales_people = [
            Person.objects.create(
                organization=cls.org, name=f"Sam {i}", email=f"sam{i}@acme.example", team=cls.sales
            )
            for i in range(2)
        ]

    def decide(
        self,
        title: str = "Adopt trunk-based development",
        teams: list[Team] | None = None,
        decided_on: dt.date | None = None,
        **kw: Any,
    ) -> Decision:
        return decision_create(
            org=kw.pop("org", self.org),
            actor=kw.pop("actor", self.owner),
            title=title,
            decided_on=decided_on or timezone.localdate() - dt.timedelta(days=10),
            affected_teams=teams if teams is not None else [self.platform],
            **kw,
        )

    def invite(self, decision: Decision, person: Person, offset: int = 7) -> str:
        """An already-sent invitation; returns the raw token (as the email would carry it)."""
        inv = checkin_invitation_new(
            org_id=decision.organization_id,
            decision_id=decision.pk,
            offset_days=offset,
            person_id=person.pk,
            team_id=person.team_id,
        )
        inv.sent_at = timezone.now()
        inv.save()
        return CHECKIN_LINK.token(inv)

    def answer(
        self,
        decision: Decision,
        person: Person,
        holding: int | None = 4,
        acted: str = "yes",
        rediscussed: str = "never",
        offset: int = 7,
    ) -> None:
        raw = self.invite(decision, person, offset)
        checkin_submit(raw_token=raw, holding=holding, acted=acted, rediscussed=rediscussed)
