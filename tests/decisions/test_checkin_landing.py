"""The emailed check-in link /decisions/c/#<token>: the token reaches the server only in a
POST body; the landing page stores and spends nothing; pasting the link works without JS."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.urls import reverse

from decisions.models import CheckInInvitation, PendingCheckIn
from tests.decisions.base import DecisionTestCase


class CheckInLinkLandingTests(DecisionTestCase):
    ANSWER = {"holding": "4", "acted": "yes", "rediscussed": "once", "comment": ""}

    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.landing = reverse("decisions:checkin_open")
        self.form_url = reverse("decisions:checkin_form")

    def used(self) -> bool:
        return CheckInInvitation.objects.get(person=self.member_person).used

    def test_the_landing_page_stores_nothing_and_spends_nothing(self) -> None:
        res = self.client.get(self.landing)
        assert res.status_code == 200
        html = res.content.decode()
        assert '<script src="/static/js/link-open.js">' in html
        assert f'action="{self.form_url}"' in html and 'name="link"' in html
        assert not res.cookies and Session.objects.count() == 0
        assert not self.used() and not PendingCheckIn.objects.exists()

    def test_opening_by_post_shows_the_questions_and_spends_nothing(self) -> None:
        res = self.client.post(self.form_url, {"link": self.raw})
        assert res.status_code == 200
        html = res.content.decode()
        assert "still holding" in html and self.d.title in html
        assert f'<form method="post" action="{self.form_url}"' in html
        assert f'name="token" value="{self.raw}"' in html
        assert not self.used() and not PendingCheckIn.objects.exists()

    def test_the_check_in_is_answered_end_to_end_through_token_free_urls(self) -> None:
        self.client.get(self.landing)
        self.client.post(self.form_url, {"link": self.raw})
        res = self.client.post(self.form_url, {"token": self.raw, **self.ANSWER})
        assert res.status_code == 200 and "Thank you" in res.content.decode()
        assert self.used() and PendingCheckIn.objects.count() == 1
        again = self.client.post(self.form_url, {"link": self.raw})
        assert again.status_code == 410

    def test_without_javascript_the_pasted_link_opens_the_questions(self) -> None:
        pasted = f"https://trust.example/decisions/c/#{self.raw}"
        res = self.client.post(self.form_url, {"link": pasted})
        assert res.status_code == 200 and "still holding" in res.content.decode()

    def test_a_bad_answer_keeps_the_token_in_the_form_and_spends_nothing(self) -> None:
        res = self.client.post(self.form_url, {"token": self.raw, **self.ANSWER, "acted": "x"})
        assert res.status_code == 400
        assert f'name="token" value="{self.raw}"' in res.content.decode()
        assert not self.used()

    def test_an_empty_paste_asks_again_and_a_get_of_the_form_url_goes_back(self) -> None:
        res = self.client.post(self.form_url, {"link": ""})
        assert res.status_code == 400 and "Paste the whole link" in res.content.decode()
        res = self.client.get(self.form_url)
        assert res.status_code == 302 and res["Location"] == self.landing

    def test_the_old_link_form_still_works(self) -> None:
        old = reverse("decisions:checkin", kwargs={"token": self.raw})
        assert self.client.get(old).status_code == 200
        res = self.client.post(old, self.ANSWER)
        assert res.status_code == 200 and self.used()
