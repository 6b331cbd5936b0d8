"""Answer once: a used link is 410 Gone on the pulse page and API and the check-in page and API."""

from __future__ import annotations

import json

from django.urls import reverse

from core.links import USED_STATUS
from decisions.models import CheckInResponse
from surveys.models import Response
from tests.decisions.base import DecisionTestCase
from tests.factories import answers_flush
from tests.surveys.helpers import add_people, open_round, token_of


class AnswerOnceTests(DecisionTestCase):
    def test_the_one_status_for_a_used_link_is_410_gone(self) -> None:
        assert USED_STATUS == 410

    def test_a_used_pulse_link_is_410_on_the_page_and_the_api(self) -> None:
        add_people(self.org, self.sales, 2)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        token = token_of(rnd.invitations.first())
        key = rnd.round_items.select_related("item").first().item.key
        page = reverse("surveys:answer", kwargs={"token": token})
        api = reverse("surveysapi:survey_token", kwargs={"token": token})
        first = self.client.post(page, {f"q_{key}": "4"})
        answers_flush()
        assert first.status_code == 200 and Response.objects.count() == 1
        assert self.client.get(page).status_code == 410
        assert self.client.post(page, {f"q_{key}": "2"}).status_code == 410
        assert self.client.get(api).status_code == 410
        again = self.client.post(api, json.dumps({"answers": {key: 2}}), "application/json")
        assert again.status_code == 410 and again.json()["code"] == "used_token"
        answers_flush()
        assert Response.objects.count() == 1

    def test_a_used_check_in_link_is_410_on_the_page_and_the_api(self) -> None:
        decision = self.decide()
        token = self.invite(decision, self.member_person)
        page = reverse("decisions:checkin", kwargs={"token": token})
        api = reverse("decisionsapi:checkin", kwargs={"token": token})
        answer = {"holding": "4", "acted": "yes", "rediscussed": "never"}
        assert self.client.post(page, answer).status_code == 200
        answers_flush()
        assert CheckInResponse.objects.count() == 1
        got = self.client.get(page)
        assert got.status_code == 410 and b"already been answered" in got.content
        assert self.client.post(page, answer).status_code == 410
        assert self.client.get(api).status_code == 410
        again = self.client.post(api, answer, content_type="application/json")
        assert again.status_code == 410 and again.json()["code"] == "used"
        assert CheckInResponse.objects.count() == 1
