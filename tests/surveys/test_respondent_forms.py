"""Per-respondent rotation forms: each person opening a survey gets the next form of the
rotation, answers are validated against it, and nothing ties a form to a person."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from surveys.models import Answer, FormCounter, Response
from surveys.rotation import form_size
from tests.base import BaseTestCase
from tests.factories import answers_flush
from tests.surveys.helpers import add_people, form_keys, open_round, token_of


def _page_form(html: str) -> tuple[int, list[str]]:
    form = int(re.search(r'name="form" value="(\d+)"', html).group(1))  # type: ignore[union-attr]
    keys = list(dict.fromkeys(re.findall(r'name="q_([a-z0-9]+)"', html)))
    return form, keys


class RespondentFormTests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 6)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.invs = list(self.round.invitations.all())
        self.form_url = reverse("surveys:answer_form")

    def test_people_opening_the_survey_get_consecutive_forms_of_the_rotation(self) -> None:
        seen = []
        for inv in self.invs[:3]:
            res = self.client.post(self.form_url, {"link": token_of(inv)})
            assert res.status_code == 200
            seen.append(_page_form(res.content.decode()))
        assert [f for f, _ in seen] == [0, 1, 2]
        for form, keys in seen:
            assert keys == form_keys(self.round, form)
            assert len(keys) == 8
        assert len({tuple(k) for _, k in seen}) == 3  # different statements, same size
        assert FormCounter.objects.get(organization=self.org).next_form == 3

    def test_the_page_stores_exactly_the_statements_of_the_posted_form(self) -> None:
        token = token_of(self.invs[0])
        self.client.post(self.form_url, {"link": token})
        res = self.client.post(self.form_url, {"link": token_of(self.invs[1])})
        form, keys = _page_form(res.content.decode())
        assert form == 1
        data = {"token": token_of(self.invs[1]), "form": str(form), f"q_{keys[0]}": "4"}
        res = self.client.post(self.form_url, data)
        assert res.status_code == 200 and "Thank you" in res.content.decode()
        answers_flush()
        stored = set(Answer.objects.values_list("item__key", flat=True))
        assert stored == set(keys)  # the form's other statements are stored as skips
        assert Answer.objects.filter(value__isnull=False).count() == 1

    def test_a_statement_not_on_the_posted_form_is_refused(self) -> None:
        inv = self.invs[0]
        keys0, keys1 = form_keys(self.round, 0), form_keys(self.round, 1)
        other = next(k for k in keys1 if k not in keys0)
        body = {"token": token_of(inv), "form": 0, "answers": {other: 3}}
        res = self.client.post(
            reverse("surveysapi:response_submit"), json.dumps(body), content_type="application/json"
        )
        assert res.status_code == 400
        assert "not on this form" in res.json()["errors"][f"answers.{other}"]
        assert not Response.objects.exists()

    def test_the_api_hands_out_a_form_and_takes_it_back_with_the_answers(self) -> None:
        url = reverse("surveysapi:survey_tokenless")
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_of(self.invs[2])}"}
        first = self.client.get(url, **bearer).json()
        second = self.client.get(url, **bearer).json()
        assert (first["form"], second["form"]) == (0, 1)  # a new form per read, none stored
        keys = [i["key"] for i in second["items"]]
        assert keys == form_keys(self.round, 1)
        body = {"form": second["form"], "answers": {k: 5 for k in keys}}
        res = self.client.post(url, json.dumps(body), content_type="application/json", **bearer)
        assert res.status_code == 201, res.content
        answers_flush()
        assert sorted(Answer.objects.values_list("item__key", flat=True)) == sorted(keys)

    def test_without_a_form_number_the_first_form_holding_the_answers_is_assumed(self) -> None:
        keys = form_keys(self.round, 3)
        body = {"token": token_of(self.invs[0]), "answers": {k: 2 for k in keys}}
        res = self.client.post(
            reverse("surveysapi:response_submit"), json.dumps(body), content_type="application/json"
        )
        assert res.status_code == 201, res.content
        answers_flush()
        assert set(Answer.objects.values_list("item__key", flat=True)) == set(keys)

    def test_statements_no_form_asks_together_are_refused_without_a_form(self) -> None:
        rubric_keys = [it.key for it in self.round.rubric.items.all()]
        body = {"token": token_of(self.invs[0]), "answers": {k: 3 for k in rubric_keys}}
        res = self.client.post(
            reverse("surveysapi:response_submit"), json.dumps(body), content_type="application/json"
        )
        assert res.status_code == 400 and "form" in res.json()["errors"]

    def test_a_response_keeps_no_form_number_and_forms_have_the_planned_size(self) -> None:
        fields = {f.name for f in Response._meta.get_fields()}
        assert not {"form", "form_index", "invitation", "person"} & fields
        bank = [
            (d.key, [it.key for it in d.items.all()]) for d in self.round.rubric.dimensions.all()
        ]
        assert len(form_keys(self.round, 5)) == form_size(bank, questions=8)
