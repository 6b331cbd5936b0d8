"""Survey pages read the org's facts from the model: the floored k (org.k) and org.tz."""

from __future__ import annotations

from django.urls import reverse

from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class SurveyOrgFactTests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.sales])

    def test_the_survey_page_promises_the_floored_k_not_the_stored_one(self) -> None:
        type(self.org).objects.filter(pk=self.org.pk).update(anonymity_k=1)
        url = reverse("surveys:answer", kwargs={"token": token_of(self.round.invitations.first())})
        page = self.client.get(url)
        self.assertContains(page, "groups of at least 3 people")
        self.assertContains(page, "in groups of 3+")
        self.assertNotContains(page, "at least 1 people")

    def test_round_pages_open_when_the_stored_time_zone_is_unknown(self) -> None:
        type(self.org).objects.filter(pk=self.org.pk).update(time_zone="Nowhere/Atlantis")
        self.login(self.owner)
        for url in (
            reverse("surveys:round_list"),
            reverse("surveys:round_detail", args=[self.round.pk]),
            reverse("surveys:round_close", args=[self.round.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
