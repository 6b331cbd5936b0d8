"""The check-in page and API: answers, bad input, flagged/deleted decisions, one answer per token."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions.checkins import CheckInError, _claim_and_store, _clean_answer, checkin_lookup
from decisions.models import CheckInInvitation, CheckInResponse
from decisions.services import decision_change_status, decision_delete
from tests.decisions.base import DecisionTestCase
from tests.factories import answers_flush


class CheckInPageTests(DecisionTestCase):
    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.url = reverse("decisions:checkin", kwargs={"token": self.raw})

    def post(self, **data: str) -> object:
        payload = {"holding": "4", "acted": "yes", "rediscussed": "once", "comment": ""}
        payload.update(data)
        res = self.client.post(self.url, payload)
        answers_flush()  # as the window's close would: the answer leaves the buffer
        return res

    def test_it_shows_three_questions_without_login(self) -> None:
        resp = self.client.get(self.url)
        assert resp.status_code == 200
        html = resp.content.decode()
        assert self.d.title in html
        for text in (
            "still holding",
            "Have you acted on it?",
            "re-discussed",
            "waiting for confirmation",
        ):
            assert text in html
        assert "<script" not in html

    def test_it_stores_one_anonymous_answer_and_thanks(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            resp = self.post(comment="Fine by me")
        assert resp.status_code == 200 and b"Thank you" in resp.content
        r = CheckInResponse.objects.get()
        assert (r.holding, r.acted, r.rediscussed, r.comment) == (4, "yes", "once", "Fine by me")
        assert r.team == self.platform and r.answered_on == timezone.localdate()
        assert r.period == timezone.localdate().replace(day=1)
        assert r.decision_status_at_answer == "decided"
        assert CheckInInvitation.objects.get().used

    def test_a_used_link_says_so_and_stores_nothing_more(self) -> None:
        self.post()
        resp = self.post(acted="blocked")
        # 410 Gone, as for a used pulse link (it was 409 before links moved to core.links).
        assert resp.status_code == 410 and b"already been answered" in resp.content
        assert CheckInResponse.objects.count() == 1

    def test_unknown_link_is_404(self) -> None:
        resp = self.client.get(reverse("decisions:checkin", kwargs={"token": "nope"}))
        assert resp.status_code == 404 and b"not valid" in resp.content

    def test_expired_link_is_410(self) -> None:
        with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
            resp = self.client.get(self.url)
        assert resp.status_code == 410 and b"expired" in resp.content

    def test_out_of_range_answers_are_refused_and_nothing_stored(self) -> None:
        for data, field in (
            ({"holding": "6"}, "holding"),
            ({"holding": "0"}, "holding"),
            ({"holding": "x"}, "holding"),
            ({"acted": "maybe"}, "acted"),
            ({"rediscussed": "always"}, "rediscussed"),
        ):
            resp = self.post(**data)
            assert resp.status_code == 400, data
            assert field in resp.context["errors"], data
        assert CheckInResponse.objects.count() == 0
        assert not CheckInInvitation.objects.get().used

    def test_holding_may_be_skipped(self) -> None:
        self.post(holding="")
        assert CheckInResponse.objects.get().holding is None

    def test_a_superseded_decision_is_accepted_but_flagged(self) -> None:
        newer = self.decide("Newer")
        decision_change_status(
            decision=self.d, actor=self.owner, to_status="superseded", superseded_by=newer
        )
        page = self.client.get(self.url)
        assert page.status_code == 200 and "still welcome" in page.content.decode()
        self.post()
        assert CheckInResponse.objects.get().decision_status_at_answer == "superseded"
        for p in self.platform_people[1:5]:
            self.answer(self.d, p)
        self.release()
        self.login(self.owner)
        detail = self.client.get(reverse("decisions:detail", args=[self.d.pk])).content.decode()
        assert "5 of these answers were given after the decision was superseded" in detail

    def test_a_deleted_decision_gives_a_clear_410_and_stores_nothing(self) -> None:
        decision_delete(decision=self.d, actor=self.owner)
        assert self.client.get(self.url).status_code == 410
        resp = self.post()
        assert resp.status_code == 410 and b"deleted" in resp.content
        assert CheckInResponse.objects.count() == 0

    def test_two_concurrent_submits_store_exactly_one_answer(self) -> None:
        # Both requests pass the lookup before either claims the link.
        ctx1 = checkin_lookup(raw_token=self.raw)
        ctx2 = checkin_lookup(raw_token=self.raw)
        clean = _clean_answer(4, "yes", "never", "")
        _claim_and_store(ctx1, clean, timezone.now())
        with self.assertRaises(CheckInError) as cm:
            _claim_and_store(ctx2, clean, timezone.now())
        assert cm.exception.code == "used"
        answers_flush()
        assert CheckInResponse.objects.count() == 1

    def test_answer_validation_names_the_field(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            _clean_answer(3.5, "yes", "never", "")
        assert set(cm.exception.message_dict) == {"holding"}


class CheckInAPITests(DecisionTestCase):
    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.url = reverse("decisionsapi:checkin", kwargs={"token": self.raw})

    def test_api_get_and_submit(self) -> None:
        got = self.client.get(self.url)
        assert got.status_code == 200 and got.json()["decision_title"] == self.d.title
        resp = self.client.post(
            self.url,
            {"holding": 2, "acted": "waiting_confirmation", "rediscussed": "several"},
            content_type="application/json",
        )
        assert resp.status_code == 201
        answers_flush()
        r = CheckInResponse.objects.get()
        assert (r.holding, r.acted, r.rediscussed) == (2, "waiting_confirmation", "several")
        again = self.client.post(
            self.url, {"acted": "yes", "rediscussed": "never"}, content_type="application/json"
        )
        assert again.status_code == 410 and again.json()["code"] == "used"

    def test_api_bad_input_is_400_naming_the_field(self) -> None:
        resp = self.client.post(
            self.url,
            {"holding": 9, "acted": "yes", "rediscussed": "never"},
            content_type="application/json",
        )
        assert resp.status_code == 400 and "holding" in resp.json()
        assert CheckInResponse.objects.count() == 0

    def test_api_deleted_decision_is_410(self) -> None:
        decision_delete(decision=self.d, actor=self.owner)
        resp = self.client.post(
            self.url, {"acted": "yes", "rediscussed": "never"}, content_type="application/json"
        )
        assert resp.status_code == 410 and resp.json()["code"] == "deleted"
