"""The JSON survey API for chat bots: clear 4xx for every kind of bad input, nothing stored."""

from __future__ import annotations

import json

from django.urls import reverse

from surveys.models import Answer, Item, Response
from surveys.services.responses import COMMENT_MAX
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class SurveyAPITests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.inv = self.round.invitations.first()
        self.token = token_of(self.inv)
        self.keys = [ri.item.key for ri in self.round.round_items.select_related("item")]
        self.url = reverse("surveysapi:response_submit")

    def post(self, body: object, raw: str | None = None) -> object:
        return self.client.post(
            self.url, raw if raw is not None else json.dumps(body), content_type="application/json"
        )

    def assert_nothing_stored(self) -> None:
        assert not Response.objects.exists() and not Answer.objects.exists()
        self.inv.refresh_from_db()
        assert not self.inv.used

    def test_it_lists_the_questions_of_a_token(self) -> None:
        res = self.client.get(reverse("surveysapi:survey_token", args=[self.token]))
        assert res.status_code == 200
        assert [i["key"] for i in res.json()["items"]] == self.keys

    def test_it_stores_a_valid_submission(self) -> None:
        answers = {k: 4 for k in self.keys}
        answers[self.keys[0]] = None
        res = self.post({"token": self.token, "answers": answers, "comment": "ok"})
        assert res.status_code == 201, res.content
        assert Response.objects.count() == 1
        assert Answer.objects.filter(value=4).count() == 7

    def test_it_accepts_the_token_in_the_url_too(self) -> None:
        res = self.client.post(
            reverse("surveysapi:survey_token", args=[self.token]),
            json.dumps({"answers": {self.keys[0]: 5}}),
            content_type="application/json",
        )
        assert res.status_code == 201

    def test_it_rejects_values_outside_1_to_5(self) -> None:
        for bad in (0, 6, -1, 2.5, "3", True):
            res = self.post({"token": self.token, "answers": {self.keys[0]: bad}})
            assert res.status_code == 400, bad
            assert f"answers.{self.keys[0]}" in res.json()["errors"]
        self.assert_nothing_stored()

    def test_it_rejects_an_unknown_item(self) -> None:
        res = self.post({"token": self.token, "answers": {"zz9": 3, self.keys[0]: 3}})
        assert res.status_code == 400
        assert res.json()["errors"]["answers.zz9"] == "unknown item 'zz9'."
        self.assert_nothing_stored()

    def test_it_rejects_an_item_of_the_rubric_not_asked_in_this_round(self) -> None:
        other = Item.objects.filter(rubric=self.round.rubric).exclude(key__in=self.keys).first()
        res = self.post({"token": self.token, "answers": {other.key: 3}})
        assert res.status_code == 400
        assert "not asked in this round" in res.json()["errors"][f"answers.{other.key}"]
        self.assert_nothing_stored()

    def test_it_rejects_a_closed_round_with_410(self) -> None:
        round_close(round_id=self.round.pk)
        res = self.post({"token": self.token, "answers": {self.keys[0]: 3}})
        assert res.status_code == 410
        assert res.json()["code"] == "round_closed"
        self.assert_nothing_stored()

    def test_it_rejects_a_used_token_with_410(self) -> None:
        assert self.post({"token": self.token, "answers": {self.keys[0]: 3}}).status_code == 201
        res = self.post({"token": self.token, "answers": {self.keys[0]: 3}})
        assert res.status_code == 410
        assert res.json()["code"] == "used_token"
        assert Response.objects.count() == 1

    def test_it_rejects_an_unknown_token_with_404(self) -> None:
        res = self.post({"token": "x" * 43, "answers": {self.keys[0]: 3}})
        assert res.status_code == 404
        self.assert_nothing_stored()

    def test_it_rejects_a_comment_over_the_limit(self) -> None:
        res = self.post(
            {"token": self.token, "answers": {self.keys[0]: 3}, "comment": "x" * (COMMENT_MAX + 1)}
        )
        assert res.status_code == 400
        assert "limit is 2000" in res.json()["errors"]["comment"]
        self.assert_nothing_stored()

    def test_it_rejects_malformed_json(self) -> None:
        res = self.post(None, raw='{"token": "abc", "answers": {')
        assert res.status_code == 400
        assert "malformed JSON" in res.json()["detail"]
        self.assert_nothing_stored()

    def test_it_rejects_answers_that_are_not_an_object_and_a_missing_token(self) -> None:
        res = self.post({"token": self.token, "answers": [3, 4]})
        assert res.status_code == 400 and "answers" in res.json()["errors"]
        res = self.post({"answers": {self.keys[0]: 3}})
        assert res.status_code == 400 and "token" in res.json()["errors"]
        res = self.post(None, raw="[1, 2]")
        assert res.status_code == 400
        self.assert_nothing_stored()
