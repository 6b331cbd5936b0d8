"""The JSON survey API for chat bots: clear 4xx for every kind of bad input, nothing stored."""

from __future__ import annotations

import json

from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from surveys.models import Answer, Invitation, Item, Response, RoundTeamCount
from surveys.services.responses import COMMENT_MAX
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.factories import answers_flush
from tests.surveys.helpers import add_people, form_keys, open_round, token_of


class SurveyAPITests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.inv = self.round.invitations.first()
        self.token = token_of(self.inv)
        self.keys = form_keys(self.round, 0)  # the first form handed out
        self.url = reverse("surveysapi:response_submit")

    def post(self, body: object, raw: str | None = None) -> object:
        return self.client.post(
            self.url, raw if raw is not None else json.dumps(body), content_type="application/json"
        )

    def assert_nothing_stored(self) -> None:
        assert not Response.objects.exists() and not Answer.objects.exists()
        if not Invitation.objects.filter(pk=self.inv.pk).exists():
            # A closed round keeps counts instead of invitations: nobody answered.
            assert not RoundTeamCount.objects.filter(round=self.round, answered__gt=0).exists()
            return
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
        answers_flush()
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

    def test_it_rejects_an_item_of_the_rubric_not_on_the_respondents_form(self) -> None:
        other = Item.objects.filter(rubric=self.round.rubric).exclude(key__in=self.keys).first()
        res = self.post({"token": self.token, "form": 0, "answers": {other.key: 3}})
        assert res.status_code == 400
        assert "not on this form" in res.json()["errors"][f"answers.{other.key}"]
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
        answers_flush()
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


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


class SurveyAPIFuzzTests(HypothesisTestCase, BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales])
        self.token = token_of(self.round.invitations.first())

    @hyp_settings(max_examples=60, deadline=None)
    @given(answers=JSON, comment=JSON)
    def test_any_json_body_gets_a_4xx_or_201_never_a_500(
        self, answers: object, comment: object
    ) -> None:
        res = self.client.post(
            reverse("surveysapi:response_submit"),
            json.dumps({"token": self.token, "answers": answers, "comment": comment}),
            content_type="application/json",
        )
        assert res.status_code in (201, 400), res.content
        if res.status_code == 400:
            assert res.json()["detail"]


class SurveyAPIErrorBodyTests(BaseTestCase):
    """Survey errors are answered by core.api's handler: the same status and body as when the
    views built them themselves ({"detail", "code", "errors"})."""

    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales])
        self.token = token_of(self.round.invitations.first())
        self.key = self.round.round_items.select_related("item").first().item.key

    def get(self, token: str) -> object:
        return self.client.get(reverse("surveysapi:survey_token", args=[token]))

    def submit(self, raw: str) -> object:
        return self.client.post(
            reverse("surveysapi:response_submit"), raw, content_type="application/json"
        )

    def test_an_unknown_token_is_404_with_the_family_body(self) -> None:
        res = self.get("x" * 43)
        assert res.status_code == 404
        assert res.json() == {
            "detail": "This survey link is not valid.",
            "code": "unknown_token",
            "errors": {"token": "unknown token"},
        }

    def test_a_used_token_is_410_with_the_family_body(self) -> None:
        body = json.dumps({"token": self.token, "answers": {self.key: 3}})
        assert self.submit(body).status_code == 201
        for res in (self.get(self.token), self.submit(body)):
            assert res.status_code == 410
            assert res.json() == {
                "detail": "This link has already been used: the survey was answered.",
                "code": "used_token",
                "errors": {"token": "already used"},
            }

    def test_a_closed_round_is_410_with_the_family_body(self) -> None:
        round_close(round_id=self.round.pk)
        res = self.get(self.token)
        assert res.status_code == 410
        assert res.json() == {
            "detail": "This survey round has closed.",
            "code": "round_closed",
            "errors": {"token": "round closed"},
        }

    def test_a_body_that_is_not_an_object_or_has_no_token_is_400_with_the_family_body(
        self,
    ) -> None:
        res = self.submit("[1, 2]")
        assert res.status_code == 400
        assert res.json() == {
            "detail": "the body must be a JSON object",
            "code": "invalid",
            "errors": {"body": "not an object"},
        }
        res = self.submit(json.dumps({"answers": {self.key: 3}}))
        assert res.status_code == 400
        assert res.json() == {
            "detail": "token is required",
            "code": "invalid",
            "errors": {"token": "required"},
        }
