"""What a new user meets in their first hour: the home page, the menu, the forms' defaults,
closing a round, and answer scales that read the same way on every page."""

from __future__ import annotations

import re

from django.urls import reverse

from orgs.models import Membership, Role
from surveys.models import RoundStatus
from surveys.services.responses import COMMENT_MAX
from tests.base import BaseTestCase
from tests.factories import (
    checkin_invite,
    decision_make,
    invitation_token,
    people_make,
    round_make,
    user_make,
)
from trustos.context import NAV


class HomePageTests(BaseTestCase):
    def test_it_names_the_role_in_words(self) -> None:
        self.login(self.owner)
        html = self.client.get(reverse("home")).content.decode()
        assert re.search(r"signed in to <strong>Acme</strong> as\s+Org admin\.", html)

    def test_it_names_every_role_of_a_user_with_several(self) -> None:
        both = user_make(org=self.org, role=Role.LEADER, teams=[self.sales])
        Membership.objects.create(user=both, organization=self.org, role=Role.FACILITATOR)
        self.login(both)
        html = self.client.get(reverse("home")).content.decode()
        assert re.search(r"as\s+Leader, Facilitator\.", html)

    def test_an_employee_sees_their_role(self) -> None:
        self.login(self.member)
        html = self.client.get(reverse("home")).content.decode()
        assert re.search(r"as\s+Employee\.", html)


class NavigationMatchesAccessTests(BaseTestCase):
    """The menu shows a page exactly when its view lets the user in."""

    def _check(self, user: object) -> None:
        self.login(user)
        shown = {i["label"] for i in self.client.get(reverse("home")).context["nav_items"]}
        for page in NAV:
            status = self.client.get(reverse(page.url_name)).status_code
            assert status in (200, 403), (page.label, status)
            assert (page.label in shown) == (status == 200), (user, page.label, status)

    def test_every_role_sees_exactly_the_pages_it_may_open(self) -> None:
        for user in (self.owner, self.leader, self.facilitator, self.member):
            self._check(user)

    def test_an_employee_allowed_to_see_team_results_gets_the_results_link(self) -> None:
        self.org.employees_see_team_results = True
        self.org.save(update_fields=["employees_see_team_results"])
        self.login(self.member)
        labels = [i["label"] for i in self.client.get(reverse("home")).context["nav_items"]]
        assert "Results" in labels
        self._check(self.member)

    def test_an_employee_allowed_to_log_decisions_gets_exactly_the_pages_they_may_open(
        self,
    ) -> None:
        self.org.employees_can_log_decisions = True
        self.org.employees_see_team_results = True
        self.org.save()
        self._check(self.member)


class RoleGrantDefaultTests(BaseTestCase):
    def test_grant_a_role_preselects_the_least_privilege(self) -> None:
        self.login(self.owner)
        html = self.client.get(reverse("orgs:roles")).content.decode()
        selected = re.findall(r'<option value="(\w+)"[^>]*\bselected\b', html)
        assert selected == [Role.EMPLOYEE]


class SurveyRerenderTests(BaseTestCase):
    def setUp(self) -> None:
        people_make(org=self.org, team=self.sales, n=5)
        self.round = round_make(org=self.org, teams=[self.sales])
        self.url = reverse(
            "surveys:answer", args=[invitation_token(self.round.invitations.order_by("id")[0])]
        )
        self.keys = [ri.item.key for ri in self.round.round_items.select_related("item")]

    def _checked(self, html: str) -> dict[str, str]:
        return dict(re.findall(r'name="q_([\w-]+)" value="(\w+)" checked', html))

    def test_an_empty_submit_comes_back_with_nothing_ticked(self) -> None:
        res = self.client.post(self.url, {})
        assert res.status_code == 400
        assert self._checked(res.content.decode()) == {}

    def test_a_rerendered_form_keeps_exactly_what_was_chosen(self) -> None:
        first, second = self.keys[0], self.keys[1]
        res = self.client.post(
            self.url,
            {f"q_{first}": "3", f"q_{second}": "skip", "comment": "x" * (COMMENT_MAX + 1)},
        )
        assert res.status_code == 400
        assert self._checked(res.content.decode()) == {first: "3", second: "skip"}


class CloseRoundConfirmationTests(BaseTestCase):
    def setUp(self) -> None:
        people_make(org=self.org, team=self.sales, n=5)
        self.round = round_make(org=self.org, teams=[self.sales], actor=self.owner)
        self.close_url = reverse("surveys:round_close", args=[self.round.pk])
        self.login(self.owner)

    def test_the_round_page_has_no_one_click_close(self) -> None:
        html = self.client.get(reverse("surveys:round_detail", args=[self.round.pk])).content
        page = html.decode()
        assert f'<form method="post" action="{self.close_url}"' not in page
        assert f'href="{self.close_url}"' in page

    def test_asking_to_close_explains_what_closing_does_and_changes_nothing(self) -> None:
        for res in (self.client.get(self.close_url), self.client.post(self.close_url, {})):
            assert res.status_code == 200
            html = res.content.decode()
            assert "stops all answers" in html and "computes the results" in html
            assert 'name="confirm" value="yes"' in html and "<script" not in html
        self.round.refresh_from_db()
        assert self.round.status == RoundStatus.OPEN

    def test_confirming_closes_the_round(self) -> None:
        res = self.client.post(self.close_url, {"confirm": "yes"})
        assert res.status_code == 302
        self.round.refresh_from_db()
        assert self.round.status == RoundStatus.CLOSED

    def test_a_user_who_may_not_close_gets_no_confirmation_page(self) -> None:
        leader = user_make(org=self.org, role=Role.LEADER, teams=[self.mobile])
        self.login(leader)
        assert self.client.get(self.close_url).status_code in (403, 404)


class AgreeScaleDirectionTests(BaseTestCase):
    """The check-in's agree scale runs the same way as the pulse survey's."""

    def _labels_in_order(self, html: str, name: str) -> list[tuple[str, str]]:
        pattern = (
            rf'<input type="radio" name="{name}" value="(\w*)"[^>]*>\s*'
            r"(?:<span>(?:<b>\d</b><small>)?)?([^<]+)"
        )
        return [(v, label.strip()) for v, label in re.findall(pattern, html)]

    def test_check_in_and_survey_list_the_agree_points_in_the_same_order(self) -> None:
        people_make(org=self.org, team=self.sales, n=5)
        rnd = round_make(org=self.org, teams=[self.sales])
        survey = self.client.get(
            reverse("surveys:answer", args=[invitation_token(rnd.invitations.order_by("id")[0])])
        ).content.decode()
        key = rnd.round_items.select_related("item")[0].item.key
        survey_points = [v for v, _ in self._labels_in_order(survey, f"q_{key}")]

        decision = decision_make(org=self.org, actor=self.owner, teams=[self.platform])
        raw = checkin_invite(decision=decision, person=self.member_person)
        checkin = self.client.get(reverse("decisions:checkin", kwargs={"token": raw}))
        checkin_points = self._labels_in_order(checkin.content.decode(), "holding")

        assert survey_points[:5] == ["1", "2", "3", "4", "5"]
        assert [v for v, _ in checkin_points][:5] == survey_points[:5]
        # Every point keeps its words, wrapped in its <label> (what a screen reader reads).
        assert checkin_points[0][1] == "Strongly disagree"
        assert checkin_points[4][1] == "Strongly agree"
        assert re.search(
            r'<label[^>]*><input type="radio" name="holding" value="1"[^>]*> Strongly disagree',
            checkin.content.decode(),
        )
