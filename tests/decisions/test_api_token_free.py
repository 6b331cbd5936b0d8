"""The check-in API without the link token in its URL: token in the body or a Bearer header."""

from __future__ import annotations

import json

from django.urls import reverse

from decisions.models import CheckInInvitation
from tests.decisions.base import DecisionTestCase


class TokenFreeCheckInAPITests(DecisionTestCase):
    ANSWER = {"holding": 4, "acted": "yes", "rediscussed": "once"}

    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.url = reverse("decisionsapi:checkin_tokenless")

    def used(self) -> bool:
        return CheckInInvitation.objects.get(person=self.member_person).used

    def test_the_url_has_no_token_and_the_header_reads_the_questions(self) -> None:
        assert self.url == "/api/v1/checkins/"
        res = self.client.get(self.url, HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        assert res.status_code == 200 and res.json()["decision_title"] == self.d.title
        assert not self.used()

    def test_it_stores_the_answer_with_the_token_in_the_body(self) -> None:
        body = {"token": self.raw, **self.ANSWER}
        res = self.client.post(self.url, json.dumps(body), content_type="application/json")
        assert res.status_code == 201 and self.used()

    def test_it_stores_the_answer_with_the_token_in_the_header(self) -> None:
        res = self.client.post(
            self.url,
            json.dumps(self.ANSWER),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.raw}",
        )
        assert res.status_code == 201 and self.used()

    def test_without_a_token_it_answers_400_and_stores_nothing(self) -> None:
        res = self.client.post(self.url, json.dumps(self.ANSWER), content_type="application/json")
        assert res.status_code == 400 and "token" in res.json()
        assert self.client.get(self.url).status_code == 400
        assert not self.used()

    def test_the_schema_lists_the_token_free_path(self) -> None:
        self.login(self.owner)
        schema = self.client.get("/api/schema/").content.decode()
        assert "/api/v1/checkins/:" in schema and "/api/v1/survey/:" in schema
