"""A JSON submit skips DRF's request and response wrapping (issue 15: a fifth of a submit's
CPU) and answers exactly as DRF's path does: same statuses, bodies and headers for a stored
answer and for every error, the same throttle per address (a session cookie buys nothing),
and anything unusual (another content type, ?format=, a malformed body) still goes through
DRF."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core.cache import cache

from surveys.api import ResponseSubmitAPI, SurveyThrottle
from surveys.models import Invitation, PendingResponse
from surveys.selectors_forms import round_form
from tests.base import BaseTestCase
from tests.factories import invitation_token, people_make, round_make

SUBMIT = "/api/v1/responses/"
HEADERS = ("Content-Type", "Vary", "Allow", "Content-Security-Policy", "X-Content-Type-Options")


class SubmitFastPathTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)
        people_make(org=self.org, team=self.platform, n=8)
        self.rnd = round_make(org=self.org, teams=[self.platform])
        self.invs = list(Invitation.objects.filter(round=self.rnd).order_by("id"))
        self.keys = [it.key for it in round_form(round=self.rnd, form_index=0)]
        self.seen: list[str] = []
        real = ResponseSubmitAPI._fast_submit

        def spy(view: ResponseSubmitAPI, request: Any) -> Any:
            out = real(view, request)
            self.seen.append("fast" if out is not None else "drf")
            return out

        patcher = mock.patch.object(ResponseSubmitAPI, "_fast_submit", spy)
        patcher.start()
        self.addCleanup(patcher.stop)

    def body(self, i: int, **extra: Any) -> dict[str, Any]:
        answers = dict.fromkeys(self.keys, 4)
        return {"token": invitation_token(self.invs[i]), "answers": answers, "form": 0, **extra}

    def post(self, body: Any, *, drf: bool = False, **kw: Any) -> Any:
        kw.setdefault("content_type", "application/json")
        kw.setdefault("REMOTE_ADDR", "192.0.2.10")
        if not drf:
            return self.client.post(SUBMIT, body, **kw)
        with mock.patch.object(ResponseSubmitAPI, "_fast_submit", lambda v, r: None):
            return self.client.post(SUBMIT, body, **kw)

    def same(self, fast: Any, drf: Any) -> None:
        self.assertEqual(fast.status_code, drf.status_code)
        self.assertEqual(fast.content, drf.content)
        for name in HEADERS:
            self.assertEqual(fast.get(name), drf.get(name), name)

    def test_a_stored_answer_is_answered_as_drf_answers_it(self) -> None:
        fast = self.post(self.body(0))
        drf = self.post(self.body(1), drf=True)
        self.assertEqual(self.seen, ["fast"])
        self.assertEqual(fast.status_code, 201)
        self.same(fast, drf)
        self.assertEqual(PendingResponse.objects.filter(round=self.rnd).count(), 2)

    def test_every_error_is_answered_as_drf_answers_it(self) -> None:
        self.post(self.body(0))
        cases = [
            self.body(0),  # used: 410
            {"token": "x" * 30, "answers": {}},  # unknown: 404
            self.body(2, answers={"nope": 9}),  # invalid answers: 400
            self.body(3, comment="bad\x07bell"),  # a refused character: 400
            {"answers": {}},  # no token: 400
        ]
        for body in cases:
            with self.subTest(body=str(body)[:60]):
                self.seen.clear()
                fast, drf = self.post(body), self.post(body, drf=True)
                self.assertEqual(self.seen, ["fast"])
                self.assertGreaterEqual(fast.status_code, 400)
                self.same(fast, drf)

    def test_two_different_tokens_in_body_and_header_are_refused_not_guessed(self) -> None:
        header = {"HTTP_AUTHORIZATION": f"Bearer {invitation_token(self.invs[1])}"}
        for drf in (False, True):
            with self.subTest(drf=drf):
                r = self.post(self.body(0), drf=drf, **header)
                self.assertEqual(r.status_code, 400)
                self.assertEqual(r.json()["errors"], {"token": "two different tokens"})
        self.assertFalse(PendingResponse.objects.exists())
        same = {"HTTP_AUTHORIZATION": f"Bearer {invitation_token(self.invs[0])}"}
        self.assertEqual(self.post(self.body(0), **same).status_code, 201)

    def test_unusual_requests_go_through_drf(self) -> None:
        for kw in (
            {"data": "{not json"},
            {"data": "[1, 2]"},
            {"data": '{"token": NaN}'},
            {"data": "token=x", "content_type": "application/x-www-form-urlencoded"},
            {"data": self.body(4), "HTTP_ACCEPT": "application/xml"},
        ):
            with self.subTest(kw=str(kw)[:60]):
                self.seen.clear()
                data = kw.pop("data")
                r = self.post(data, **kw)
                self.assertEqual(self.seen, ["drf"])
                self.assertIn(r.status_code, (400, 404, 406, 415))
        self.seen.clear()
        self.client.post(SUBMIT + "?format=json", self.body(5), content_type="application/json")
        self.assertEqual(self.seen, ["drf"])

    def test_the_throttle_counts_fast_submits_per_address_and_ignores_a_session(self) -> None:
        self.client.force_login(self.owner)  # a logged-in browser is throttled all the same
        with mock.patch.object(SurveyThrottle, "rate", "3/min"):
            codes = [self.post(self.body(i)).status_code for i in range(4)]
            other = self.post(self.body(4), REMOTE_ADDR="192.0.2.11").status_code
        self.assertEqual(codes, [201, 201, 201, 429])
        self.assertEqual(other, 201)
        self.assertEqual(self.seen[:3], ["fast"] * 3)
        self.assertEqual(self.seen[3], "drf")  # DRF words the 429 and its wait
