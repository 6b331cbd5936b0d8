"""Hostile input gets a 4xx naming what is wrong, never a 500: control characters in any text,
huge page sizes, deep or large JSON bodies (issue 14, item 1)."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from rest_framework.test import APIClient

from core.pagination import MAX_LIMIT
from core.parsers import MAX_JSON_DEPTH, json_depth
from decisions.models import CheckInResponse, Decision
from orgs.importing import parse_people_csv
from orgs.models import Team
from surveys.models import Response
from tests.base import BaseTestCase
from tests.decisions.base import DecisionTestCase
from tests.surveys.helpers import add_people, open_round, token_of

NUL = "\x00"
# DRF's CharField already refuses NUL; an escape character was stored as it came.
ESC = "\x1b"


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


class ForgetThrottle:
    """The survey API throttles per address in the cache: don't leave this file's requests
    counted against the next test file run by the same process."""

    def tearDown(self) -> None:
        cache.clear()
        super().tearDown()  # type: ignore[misc]


class SurveyControlCharacterTests(ForgetThrottle, BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.token = token_of(self.round.invitations.first())
        self.key = self.round.round_items.select_related("item").first().item.key

    def post_json(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(url, json.dumps(body), content_type="application/json")

    def test_it_refuses_a_nul_in_the_comment_of_the_survey_api_naming_the_field(self) -> None:
        res = self.post_json(
            reverse("surveysapi:response_submit"),
            {"token": self.token, "answers": {self.key: 3}, "comment": f"fine{NUL}"},
        )
        assert res.status_code == 400, res.content
        assert "comment" in res.json()["errors"]
        assert "U+0000" in res.json()["detail"]
        assert not Response.objects.exists()

    def test_it_refuses_a_nul_in_an_answer_key_of_the_url_token_api(self) -> None:
        res = self.post_json(
            reverse("surveysapi:survey_token", args=[self.token]),
            {"answers": {f"{self.key}{NUL}": 3}},
        )
        assert res.status_code == 400, res.content
        assert "answers" in res.json()["errors"]
        assert not Response.objects.exists()

    def test_it_refuses_an_escape_character_and_a_lone_surrogate_too(self) -> None:
        for bad in ("\x1b[31m", "\ud800"):
            body = json.dumps({"token": self.token, "answers": {self.key: 3}, "comment": bad})
            res = self.client.post(
                reverse("surveysapi:response_submit"), body, content_type="application/json"
            )
            assert res.status_code == 400, (bad, res.content)
        assert not Response.objects.exists()

    def test_it_keeps_tabs_and_line_breaks_in_a_comment(self) -> None:
        res = self.post_json(
            reverse("surveysapi:response_submit"),
            {"token": self.token, "answers": {self.key: 3}, "comment": "one\r\ntwo\tthree"},
        )
        assert res.status_code == 201, res.content

    def test_it_refuses_a_nul_in_the_comment_of_the_survey_page(self) -> None:
        res = self.client.post(
            reverse("surveys:answer", args=[self.token]),
            {f"q_{self.key}": "3", "comment": f"a{NUL}b"},
        )
        assert res.status_code == 400
        assert "comment" in res.content.decode()
        assert not Response.objects.exists()

    def test_it_refuses_a_nul_in_the_token_of_the_url(self) -> None:
        res = self.client.get(reverse("surveysapi:survey_token", args=[f"abc{NUL}def"]))
        assert res.status_code == 400
        res = self.client.get(reverse("surveys:answer", args=[f"abc{NUL}def"]))
        assert res.status_code == 400


class CheckInControlCharacterTests(ForgetThrottle, DecisionTestCase):
    def setUp(self) -> None:
        self.decision = self.decide()
        self.raw = self.invite(self.decision, self.member_person)

    def test_it_refuses_a_nul_in_the_comment_of_the_check_in_api(self) -> None:
        res = self.client.post(
            reverse("decisionsapi:checkin", kwargs={"token": self.raw}),
            json.dumps({"holding": 4, "acted": "yes", "rediscussed": "never", "comment": NUL}),
            content_type="application/json",
        )
        assert res.status_code == 400, res.content
        assert "comment" in res.json()["errors"]
        assert not CheckInResponse.objects.exists()

    def test_it_refuses_a_nul_in_the_comment_of_the_check_in_page(self) -> None:
        res = self.client.post(
            reverse("decisions:checkin", kwargs={"token": self.raw}),
            {"holding": "4", "acted": "yes", "rediscussed": "never", "comment": f"x{NUL}"},
        )
        assert res.status_code == 400
        assert "comment" in res.content.decode()
        assert not CheckInResponse.objects.exists()


class AuthenticatedControlCharacterTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.owner)

    def test_it_refuses_a_nul_in_a_search_query_string(self) -> None:
        res = self.api.get(reverse("decisionsapi:decision-list"), {"q": NUL})
        assert res.status_code == 400, res.content
        assert "q" in res.json()["errors"]

    def test_it_refuses_an_escape_in_a_team_name_as_json_and_as_a_form_patch(self) -> None:
        url = reverse("orgsapi:team-detail", args=[self.sales.pk])
        assert self.api.patch(url, {"name": f"S{ESC}"}, format="json").status_code == 400
        res = self.api.patch(url, {"name": f"S{ESC}"}, format="multipart")
        assert res.status_code == 400, res.content
        res = self.api.generic(
            "PATCH", url, "name=S%1B", content_type="application/x-www-form-urlencoded"
        )
        assert res.status_code == 400, res.content
        self.sales.refresh_from_db()
        assert self.sales.name == "Sales"

    def test_it_refuses_an_escape_in_a_decision_title_and_person_attributes(self) -> None:
        res = self.api.post(
            reverse("decisionsapi:decision-list"),
            {"title": f"T{ESC}", "decided_on": "2025-01-01"},
            format="json",
        )
        assert res.status_code == 400 and "title" in res.json()["errors"]
        res = self.api.post(
            reverse("orgsapi:person-list"),
            {"name": "P", "email": "p@example.com", "attributes": {"location": f"B{ESC}"}},
            format="json",
        )
        assert res.status_code == 400 and "attributes.location" in res.json()["errors"]
        assert not Decision.objects.exists()

    def test_it_refuses_an_escape_in_a_page_form_naming_the_field(self) -> None:
        self.login(self.owner)
        res = self.client.post(reverse("orgs:team_create"), {"name": f"New{ESC}"})
        assert res.status_code == 400
        assert "name" in res.content.decode()
        assert not Team.objects.filter(name__startswith="New").exists()

    def test_it_refuses_a_nul_in_a_page_query_string(self) -> None:
        self.login(self.owner)
        assert self.client.get(reverse("decisions:list"), {"q": NUL}).status_code == 400

    def test_it_reports_a_control_character_in_an_imported_csv_cell(self) -> None:
        parsed = parse_people_csv(b"name,email\nAl\x00ice,alice@example.com\n")
        assert any(e.column == "name" and "U+0000" in e.message for e in parsed.errors)


class PaginationTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.owner)
        self.url = reverse("orgsapi:team-list")

    def test_it_refuses_a_limit_past_the_maximum_with_a_400(self) -> None:
        for limit in ("10000000000000000000", str(MAX_LIMIT + 1), "0", "-1", "abc", "9" * 5000):
            res = self.api.get(self.url, {"limit": limit})
            assert res.status_code == 400, (limit, res.content)
            assert "limit" in res.json(), limit

    def test_it_refuses_a_huge_or_negative_offset_with_a_400(self) -> None:
        for offset in ("10000000000000000000", "-1"):
            res = self.api.get(self.url, {"offset": offset, "limit": 1})
            assert res.status_code == 400, (offset, res.content)

    def test_it_serves_up_to_the_maximum_and_pages_on(self) -> None:
        res = self.api.get(self.url, {"limit": MAX_LIMIT, "offset": 1})
        assert res.status_code == 200
        assert res.json()["count"] == 4 and len(res.json()["results"]) == 3

    def test_the_schema_documents_the_maximum(self) -> None:
        res = self.client.get(reverse("schema"), {"format": "json"})
        params = res.json()["paths"]["/api/v1/teams/"]["get"]["parameters"]
        limit = next(p for p in params if p["name"] == "limit")
        assert limit["schema"]["maximum"] == MAX_LIMIT


class BodyBoundTests(ForgetThrottle, BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        self.token = token_of(self.round.invitations.first())

    def test_it_counts_nesting_outside_strings_only(self) -> None:
        assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}') == 3
        assert json_depth(b'"\\"[[["') == 0

    def test_it_refuses_a_5000_deep_body_on_the_public_endpoints(self) -> None:
        decision_url = reverse("decisionsapi:checkin", kwargs={"token": "x" * 20})
        for url in (
            reverse("surveysapi:response_submit"),
            reverse("surveysapi:survey_token", args=[self.token]),
            decision_url,
        ):
            res = self.client.post(url, deep_json(5000), content_type="application/json")
            assert res.status_code == 400, (url, res.content)
            assert str(MAX_JSON_DEPTH) in res.json()["detail"]

    def test_it_refuses_a_deep_body_on_an_authenticated_endpoint(self) -> None:
        api = APIClient()
        api.force_authenticate(self.owner)
        body = '{"name": ' + deep_json(5000) + "}"
        res = api.post(reverse("orgsapi:team-list"), body, content_type="application/json")
        assert res.status_code == 400, res.content

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_it_refuses_a_body_over_the_size_limit(self) -> None:
        body = json.dumps({"token": self.token, "answers": {}, "comment": "x" * 2000})
        res = self.client.post(
            reverse("surveysapi:response_submit"), body, content_type="application/json"
        )
        assert res.status_code == 400, res.content
        assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in res.json()["detail"]


class UnauthenticatedAPITests(BaseTestCase):
    def test_missing_credentials_get_a_401_with_www_authenticate(self) -> None:
        res = APIClient().get(reverse("decisionsapi:decision-list"))
        assert res.status_code == 401
        assert res["WWW-Authenticate"] == "Token"

    def test_a_session_still_works_and_its_writes_still_need_csrf(self) -> None:
        api = APIClient(enforce_csrf_checks=True)
        api.force_login(self.owner)
        assert api.get(reverse("orgsapi:team-list")).status_code == 200
        res = api.post(reverse("orgsapi:team-list"), {"name": "Ops"}, format="json")
        assert res.status_code == 403
        assert "CSRF" in res.json()["detail"]


CONTROL_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F) | st.sampled_from("é\ud800"),
    max_size=8,
)


class PublicEndpointFuzzTests(ForgetThrottle, HypothesisTestCase, BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales])
        self.token = token_of(self.round.invitations.first())

    @hyp_settings(max_examples=60, deadline=None)
    @given(key=CONTROL_TEXT, comment=CONTROL_TEXT, as_form=st.booleans())
    def test_any_text_with_control_characters_never_gets_a_5xx(
        self, key: str, comment: str, as_form: bool
    ) -> None:
        if as_form:
            # A form body is bytes: a browser can't send a lone surrogate, only its U+FFFD.
            key, comment = (t.replace("\ud800", "\ufffd") for t in (key, comment))
            res = self.client.post(
                reverse("surveys:answer", args=[self.token]), {key: "3", "comment": comment}
            )
        else:
            res = self.client.post(
                reverse("surveysapi:response_submit"),
                json.dumps({"token": self.token, "answers": {key: 3}, "comment": comment}),
                content_type="application/json",
            )
        assert res.status_code < 500, res.content
