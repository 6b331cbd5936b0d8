"""The factories make valid, distinct objects through the real services."""

from __future__ import annotations

from orgs.models import Role
from orgs.tenancy import tenant_for_user
from surveys.models import Answer, RoundStatus
from tests.base import BaseTestCase
from tests.factories import (
    checkin_answer_make,
    decision_make,
    employee_make,
    org_make,
    people_make,
    person_make,
    response_make,
    round_make,
    team_make,
    user_make,
)


class FactoryTests(BaseTestCase):
    def test_defaults_never_collide(self) -> None:
        a, b = org_make(), org_make()
        assert a.slug != b.slug
        t1, t2 = team_make(org=a), team_make(org=a)
        assert t1.name != t2.name
        assert person_make(org=a).email != person_make(org=a).email
        assert user_make().username != user_make().username

    def test_user_make_grants_a_role_on_teams_and_links_a_person(self) -> None:
        person = person_make(org=self.org, team=self.sales)
        user = user_make(org=self.org, role=Role.LEADER, teams=[self.sales], person=person)
        tenant = tenant_for_user(user)
        assert tenant is not None
        assert tenant.roles == {Role.LEADER} and tenant.led_team_ids == {self.sales.pk}
        assert tenant.own_team_id == self.sales.pk

    def test_employee_make_has_their_own_team(self) -> None:
        tenant = tenant_for_user(employee_make(org=self.org, team=self.mobile))
        assert tenant is not None and tenant.own_team_id == self.mobile.pk

    def test_round_make_invites_everyone_of_the_teams_and_response_make_answers(self) -> None:
        people = people_make(org=self.org, team=self.sales, n=5)
        rnd = round_make(org=self.org, teams=[self.sales], questions=6)
        assert rnd.status == RoundStatus.OPEN
        invitations = list(rnd.invitations.order_by("id"))
        assert {i.person_id for i in invitations} == {p.pk for p in people}
        first_key = rnd.round_items.select_related("item").order_by("position")[0].item.key
        response = response_make(invitation=invitations[0], answers={first_key: None}, value=2)
        values = dict(Answer.objects.filter(response=response).values_list("item__key", "value"))
        assert len(values) == rnd.round_items.count() and values[first_key] is None
        assert {v for k, v in values.items() if k != first_key} == {2}
        invitations[0].refresh_from_db()
        assert invitations[0].used

    def test_checkin_answer_make_answers_through_the_service(self) -> None:
        decision = decision_make(org=self.org, actor=self.owner, teams=[self.platform])
        answer = checkin_answer_make(decision=decision, person=self.member_person, holding=2)
        assert (answer.decision_id, answer.team_id, answer.holding) == (
            decision.pk,
            self.platform.pk,
            2,
        )
