"""A round's question count is what the rotation really asks: page, API and round agree."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from surveys.models import PulseRound, PulseSchedule
from surveys.selectors_questions import round_question_range
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people


class QuestionCountTests(BaseTestCase):
    def test_the_shipped_rubric_asks_at_least_eight(self) -> None:
        rng = round_question_range(organization=self.org)
        assert (rng.low, rng.high, rng.dimensions) == (8, 10, 7)

    def test_the_send_page_says_how_many_and_refuses_fewer_than_asked(self) -> None:
        add_people(self.org, self.mobile, 5)
        self.login(self.leader)
        url = reverse("surveys:round_send")
        page = self.client.get(url).content.decode()
        assert 'min="8"' in page and 'max="10"' in page
        assert "so it asks at least 8" in page
        r = self.client.post(url, {"teams": [self.mobile.pk], "questions": 6, "open_days": 3})
        assert r.status_code == 400
        assert "A round asks 8 to 10 questions" in r.content.decode()
        assert not PulseRound.objects.exists()
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url, {"teams": [self.mobile.pk], "questions": 9, "open_days": 3})
        assert r.status_code == 302
        rnd = PulseRound.objects.get()
        assert rnd.round_items.count() == 9  # what was chosen is what is asked
        assert "9 quick questions" in mail.outbox[0].subject
        assert "asks you 9 short questions" in mail.outbox[0].body

    def test_the_schedule_form_refuses_fewer_than_asked(self) -> None:
        self.login(self.leader)
        data = {
            "name": "Pulse",
            "cadence": "weekly",
            "questions_per_round": 6,
            "open_days": 4,
            "send_weekday": 0,
            "send_hour": 9,
            "is_active": "on",
            "teams": [self.mobile.pk],
        }
        r = self.client.post(reverse("surveys:schedule_create"), data)
        assert "A round asks 8 to 10 questions" in r.content.decode()
        assert not PulseSchedule.objects.exists()

    def test_the_api_answers_400_naming_the_field(self) -> None:
        self.login(self.owner)
        r = self.client.post(
            reverse("surveysapi:round_list"),
            {"teams": [self.sales.pk], "questions": 6},
            content_type="application/json",
        )
        assert r.status_code == 400 and "questions" in r.json()
        r = self.client.post(
            reverse("surveysapi:schedule_list"),
            {
                "name": "P",
                "teams": [self.sales.pk],
                "cadence": "weekly",
                "questions_per_round": 7,
                "open_days": 3,
            },
            content_type="application/json",
        )
        assert r.status_code == 400 and "questions_per_round" in r.json()
        assert not PulseRound.objects.exists() and not PulseSchedule.objects.exists()
