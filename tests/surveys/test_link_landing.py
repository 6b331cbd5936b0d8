"""The emailed survey link /s/#<token>: the token reaches the server only in a POST body.

The landing page stores and spends nothing; its script (or a pasted link, without JS)
posts the token to /s/answer/, which shows the form; the form posts it back with the
answers. The old /s/<token>/ form keeps working for links already sent.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.urls import reverse

from surveys.models import Invitation, PendingResponse, Response
from tests.base import BaseTestCase
from tests.factories import answers_flush, link_from_email
from tests.surveys.helpers import add_people, emails_to, open_round


class SurveyLinkLandingTests(BaseTestCase):
    def setUp(self) -> None:
        people = add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales], questions=8)
        [mail] = emails_to(people[0].email)
        self.path, self.token = link_from_email(mail.body, landing="/s/")
        self.inv = Invitation.objects.get(round=self.round, person=people[0])
        self.keys = [ri.item.key for ri in self.round.round_items.select_related("item")]
        self.form_url = reverse("surveys:answer_form")

    def answers(self) -> dict[str, str]:
        return {f"q_{key}": str(1 + i % 5) for i, key in enumerate(self.keys)}

    def test_the_landing_page_stores_nothing_and_spends_nothing(self) -> None:
        res = self.client.get(self.path)
        assert res.status_code == 200
        html = res.content.decode()
        assert '<script src="/static/js/link-open.js">' in html
        assert f'action="{self.form_url}"' in html and 'name="link"' in html
        assert not res.cookies and Session.objects.count() == 0
        self.inv.refresh_from_db()
        assert not self.inv.used and not PendingResponse.objects.exists()

    def test_opening_the_link_by_post_shows_the_form_and_spends_nothing(self) -> None:
        res = self.client.post(self.form_url, {"link": self.token})
        assert res.status_code == 200
        html = res.content.decode()
        assert html.count("<fieldset") == 8
        # The form posts the token back in its body, to a token-free URL.
        assert f'<form method="post" action="{self.form_url}"' in html
        assert f'name="token" value="{self.token}"' in html
        self.inv.refresh_from_db()
        assert not self.inv.used and not PendingResponse.objects.exists()
        assert not res.cookies and Session.objects.count() == 0

    def test_the_survey_is_answered_end_to_end_without_the_token_in_any_url(self) -> None:
        seen: list[str] = [self.path]
        self.client.get(self.path)
        self.client.post(self.form_url, {"link": self.token})
        seen.append(self.form_url)
        res = self.client.post(self.form_url, {"token": self.token, **self.answers()})
        seen.append(self.form_url)
        assert res.status_code == 200 and "Thank you" in res.content.decode()
        assert all(self.token not in path for path in seen)
        self.inv.refresh_from_db()
        assert self.inv.used
        answers_flush()
        assert Response.objects.filter(round=self.round).count() == 1
        # Spent: opening the link again says so.
        again = self.client.post(self.form_url, {"link": self.token})
        assert again.status_code == 410
        assert "already answered" in again.content.decode()

    def test_without_javascript_the_pasted_link_opens_the_form(self) -> None:
        for pasted in (f"https://anything.example{self.path}#{self.token}", f"  {self.token} "):
            with self.subTest(pasted=pasted):
                res = self.client.post(self.form_url, {"link": pasted})
                assert res.status_code == 200
                assert res.content.decode().count("<fieldset") == 8
        res = self.client.post(self.form_url, {"token": self.token, **self.answers()})
        assert "Thank you" in res.content.decode()

    def test_an_empty_paste_asks_again_and_an_unknown_code_says_so(self) -> None:
        res = self.client.post(self.form_url, {"link": "  "})
        assert res.status_code == 400
        assert "Paste the whole link" in res.content.decode()
        res = self.client.post(self.form_url, {"link": "not-a-token-we-know"})
        assert res.status_code == 404

    def test_a_get_of_the_form_url_goes_back_to_the_landing_page(self) -> None:
        res = self.client.get(self.form_url)
        assert res.status_code == 302 and res["Location"] == self.path

    def test_a_submit_without_a_token_is_refused(self) -> None:
        res = self.client.post(self.form_url, self.answers())
        assert res.status_code == 404
        assert not PendingResponse.objects.exists()

    def test_the_old_link_form_still_opens_the_form_and_posts_to_the_token_free_url(
        self,
    ) -> None:
        res = self.client.get(reverse("surveys:answer", args=[self.token]))
        assert res.status_code == 200
        assert f'action="{self.form_url}"' in res.content.decode()
