"""Schemathesis on every operation of the served schema, as admin, leader and anonymous: no
5xx, every status documented, every response as documented (issue 14 item 2)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.cache import cache

from decisions.models import Decision
from orgs.models import Membership
from surveys.services.schedules import schedule_create
from tests.base import BaseTestCase
from tests.factories import (
    api_token_make,
    checkin_invite,
    decision_make,
    invitation_token,
    people_make,
    response_make,
    round_make,
)
from tests.security.fuzz_support import connection_kept, operation_fuzz, operations, schema_load


class ApiFuzzTests(BaseTestCase):
    """One test per role; each runs every operation and reports all failing ones at once."""

    schema: ClassVar[Any]
    decision: ClassVar[Decision]
    real: ClassVar[dict[str, list[Any]]]

    @classmethod
    def setUpClass(cls) -> None:
        cls._kept = connection_kept()
        cls._kept.__enter__()
        super().setUpClass()
        # Loaded once, outside setUpTestData (which deep-copies its attributes per test).
        cls.schema = schema_load()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._kept.__exit__(None, None, None)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Real objects for the path parameters: own team tree, another team, another org.
        people_make(org=cls.org, team=cls.platform, n=5)
        people_make(org=cls.org, team=cls.sales, n=5)
        rnd = round_make(org=cls.org, teams=[cls.eng, cls.sales], actor=cls.owner)
        invitations = list(rnd.invitations.order_by("id"))
        for inv in invitations[:5]:
            response_make(invitation=inv)
        cls.decision = decision_make(org=cls.org, teams=[cls.eng], actor=cls.owner)
        other_decision = decision_make(org=cls.other_org, teams=[cls.other_team])
        schedule = schedule_create(
            organization=cls.org,
            actor=cls.owner,
            teams=[cls.eng],
            name="Monthly pulse",
            cadence="monthly",
            questions_per_round=8,
            open_days=5,
        )
        checkin_tokens = [
            checkin_invite(decision=cls.decision, person=p)
            for p in cls.platform.people.order_by("id")[:3]
        ]
        cls.admin_key = api_token_make(user=cls.owner, org=cls.org)
        cls.leader_key = api_token_make(user=cls.leader, org=cls.org)
        cls.real = {
            "id": [
                cls.eng.pk,
                cls.platform.pk,
                cls.sales.pk,
                cls.other_team.pk,
                cls.member_person.pk,
                cls.other_person.pk,
                rnd.pk,
                cls.decision.pk,
                other_decision.pk,
                schedule.pk,
                *Membership.objects.values_list("pk", flat=True),
            ],
            "token": [invitation_token(inv) for inv in invitations[5:]] + checkin_tokens,
        }

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # throttle counters: each role starts fresh

    def _fuzz_all(self, headers: dict[str, str]) -> None:
        failures: list[str] = []
        for op in operations(self.schema):
            try:
                operation_fuzz(
                    op, headers=headers, real_path_values=self.real, before_call=cache.clear
                )
            # Collect every operation's failure, not just the first (schemathesis raises a
            # FailureGroup, a BaseExceptionGroup).
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"--- {op.method.upper()} {op.path}\n{exc}")
        self.assertEqual(failures, [], "\n\n".join(failures))

    def test_every_operation_as_admin(self) -> None:
        self._fuzz_all({"Authorization": f"Token {self.admin_key}"})

    def test_every_operation_as_leader(self) -> None:
        self._fuzz_all({"Authorization": f"Token {self.leader_key}"})

    def test_every_operation_anonymous(self) -> None:
        self._fuzz_all({})
