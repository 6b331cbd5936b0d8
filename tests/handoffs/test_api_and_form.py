"""Recording handoffs by API and by the form: bad input listed and nothing stored, no future
dates, the same post twice stored once, read-scope tokens refused, other orgs' people unknown."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from handoffs.models import HandoffEvent, HandoffSource
from tests.base import BaseTestCase
from tests.factories import api_token_make, person_make


class HandoffApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.ana = person_make(org=self.org, team=self.platform, email="ana@x.example")
        self.ben = person_make(org=self.org, team=self.sales, email="ben@x.example")
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_make(user=self.owner)}")
        self.at = (timezone.now() - dt.timedelta(hours=3)).isoformat()

    def _post(self, **body: object) -> object:
        data = {"item": "PAY-1", "from_person": "ana@x.example", "to_person": "ben@x.example"}
        return self.api.post("/api/v1/handoffs/", {**data, "at": self.at, **body}, format="json")

    def test_a_handoff_is_stored_with_the_people_teams(self) -> None:
        resp = self._post(link="https://tracker.example/PAY-1")
        assert resp.status_code == 201, resp.json()
        ev = HandoffEvent.objects.get()
        assert (ev.from_team, ev.to_team, ev.source) == (
            self.platform,
            self.sales,
            HandoffSource.API,
        )

    def test_the_same_event_posted_twice_is_stored_once(self) -> None:
        assert self._post().status_code == 201
        again = self._post()
        assert again.status_code == 200 and again.json()["created"] is False
        assert HandoffEvent.objects.count() == 1

    def test_unknown_people_and_teams_are_all_listed_and_nothing_is_stored(self) -> None:
        resp = self._post(from_person="nobody@x.example", to_team="Narnia")
        assert resp.status_code == 400
        body = str(resp.json())
        assert "nobody@x.example" in body and "Narnia" in body
        assert not HandoffEvent.objects.exists()

    def test_a_person_of_another_org_is_unknown(self) -> None:
        resp = self._post(to_person="otto@other.example")
        assert resp.status_code == 400 and "otto@other.example" in str(resp.json())

    def test_a_handoff_in_the_future_is_refused(self) -> None:
        resp = self._post(at=(timezone.now() + dt.timedelta(days=2)).isoformat())
        assert resp.status_code == 400 and "future" in str(resp.json())
        assert not HandoffEvent.objects.exists()

    def test_a_read_scope_token_and_a_leader_may_not_post(self) -> None:
        read = APIClient()
        read.credentials(
            HTTP_AUTHORIZATION=f"Token {api_token_make(user=self.owner, scope='read')}"
        )
        assert read.post("/api/v1/handoffs/", {"item": "X"}, format="json").status_code == 403
        self.client.force_login(self.leader)
        assert self.client.post("/api/v1/handoffs/", {"item": "X"}).status_code == 403


class HandoffFormTests(BaseTestCase):
    def test_a_member_hands_off_to_someone_in_another_team(self) -> None:
        ben = person_make(org=self.org, team=self.sales, name="Ben")
        self.login(self.member)
        assert self.client.get("/handoffs/new/").status_code == 200
        resp = self.client.post("/handoffs/new/", {"item": "Onboarding deck", "to_person": ben.pk})
        assert resp.status_code == 302
        ev = HandoffEvent.objects.get()
        assert (ev.from_person, ev.to_person) == (self.member_person, ben)
        assert (ev.from_team, ev.to_team, ev.source) == (self.platform, self.sales, "form")

    def test_the_form_refuses_a_future_date_and_other_orgs_people(self) -> None:
        ben = person_make(org=self.org, team=self.sales, name="Ben")
        self.login(self.member)
        future = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        resp = self.client.post("/handoffs/new/", {"item": "X", "to_person": ben.pk, "at": future})
        assert resp.status_code == 400 and "future" in resp.content.decode()
        resp = self.client.post("/handoffs/new/", {"item": "X", "to_person": self.other_person.pk})
        assert resp.status_code == 400
        assert not HandoffEvent.objects.exists()
