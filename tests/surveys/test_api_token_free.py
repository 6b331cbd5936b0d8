"""The survey API without the link token in its URL: token in the body or a Bearer header."""

from __future__ import annotations

import json

from django.urls import reverse

from surveys.models import Invitation
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class TokenFreeSurveyAPITests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.inv = self.round.invitations.first()
        self.token = token_of(self.inv)
        self.keys = [ri.item.key for ri in self.round.round_items.select_related("item")]
        self.url = reverse("surveysapi:survey_tokenless")
        self.bearer = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}

    def used(self) -> bool:
        return Invitation.objects.get(pk=self.inv.pk).used

    def test_the_url_has_no_token(self) -> None:
        assert self.url == "/api/v1/survey/"

    def test_it_lists_the_questions_for_a_bearer_header(self) -> None:
        res = self.client.get(self.url, **self.bearer)
        assert res.status_code == 200
        assert [i["key"] for i in res.json()["items"]] == self.keys
        assert not self.used()

    def test_without_a_token_it_answers_400(self) -> None:
        res = self.client.get(self.url)
        assert res.status_code == 400 and res.json()["errors"] == {"token": "required"}
        res = self.client.get(self.url, HTTP_AUTHORIZATION=f"Token {self.token}")
        assert res.status_code == 400

    def test_it_stores_answers_with_the_token_in_the_header(self) -> None:
        body = {"answers": {k: 3 for k in self.keys}}
        res = self.client.post(
            self.url, json.dumps(body), content_type="application/json", **self.bearer
        )
        assert res.status_code == 201 and self.used()

    def test_it_stores_answers_with_the_token_in_the_body(self) -> None:
        body = {"token": self.token, "answers": {k: 2 for k in self.keys}}
        res = self.client.post(self.url, json.dumps(body), content_type="application/json")
        assert res.status_code == 201 and self.used()
        again = self.client.post(self.url, json.dumps(body), content_type="application/json")
        assert again.status_code == 410

    def test_the_responses_endpoint_takes_the_header_too(self) -> None:
        body = {"answers": {k: 4 for k in self.keys}}
        res = self.client.post(
            reverse("surveysapi:response_submit"),
            json.dumps(body),
            content_type="application/json",
            **self.bearer,
        )
        assert res.status_code == 201 and self.used()
