"""REST API for schedules and rounds: tenancy, leader limits, bad input, participation without names."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from surveys.models import PulseRound, PulseSchedule
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people


class PulsesAPITests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.platform, 5)
        add_people(self.org, self.sales, 5)

    def schedule_body(self, teams: list[int], **kw: object) -> dict[str, object]:
        body = {
            "name": "API pulse",
            "teams": teams,
            "cadence": "fortnightly",
            "questions_per_round": 8,
            "open_days": 4,
        }
        body.update(kw)
        return body

    def test_a_leader_creates_updates_and_deletes_a_schedule_with_its_beat_task(self) -> None:
        self.login(self.leader)
        url = reverse("surveysapi:schedule_list")
        res = self.client.post(
            url, self.schedule_body([self.platform.pk]), content_type="application/json"
        )
        assert res.status_code == 201, res.json()
        sid = res.json()["id"]
        task = PeriodicTask.objects.get(pk=res.json()["periodic_task"])
        detail = reverse("surveysapi:schedule_detail", args=[sid])
        res = self.client.patch(detail, {"is_active": False}, content_type="application/json")
        assert res.status_code == 200
        task.refresh_from_db()
        assert not task.enabled
        assert self.client.delete(detail).status_code == 204
        assert not PeriodicTask.objects.filter(pk=task.pk).exists()

    def test_bad_schedule_input_gets_400_naming_the_field(self) -> None:
        self.login(self.leader)
        url = reverse("surveysapi:schedule_list")
        res = self.client.post(
            url,
            self.schedule_body([self.sales.pk], questions_per_round=3, cadence="hourly"),
            content_type="application/json",
        )
        assert res.status_code == 400
        assert set(res.json()) >= {"teams", "questions_per_round", "cadence"}
        res = self.client.post(url, "{not json", content_type="application/json")
        assert res.status_code == 400
        assert not PulseSchedule.objects.exists()

    def test_send_now_and_read_participation_without_names(self) -> None:
        self.login(self.owner)
        with self.captureOnCommitCallbacks(execute=True):
            res = self.client.post(
                reverse("surveysapi:round_list"),
                {"teams": [self.sales.pk], "questions": 8},
                content_type="application/json",
            )
        assert res.status_code == 201, res.json()
        assert len(res.json()["items"]) == 8  # 7 dimensions + 1 so one is a block
        assert len(mail.outbox) == 5
        listing = self.client.get(reverse("surveysapi:round_list")).json()
        row = listing["results"][0]
        assert row["participation"]["total"] == {
            "label": "Everyone invited",
            "invited": 5,
            "responded": 0,
            "rate": 0.0,
            "suppressed": False,
            "reason": "",
        }
        assert "@example.com" not in str(listing)

    def test_other_orgs_and_employees_get_nothing(self) -> None:
        self.login(self.owner)
        with self.captureOnCommitCallbacks(execute=True):
            rid = self.client.post(
                reverse("surveysapi:round_list"),
                {"teams": [self.sales.pk]},
                content_type="application/json",
            ).json()["id"]
        self.login(self.outsider)
        assert self.client.get(reverse("surveysapi:round_detail", args=[rid])).status_code == 404
        assert self.client.get(reverse("surveysapi:round_list")).json()["results"] == []
        self.login(self.member)
        assert self.client.get(reverse("surveysapi:round_list")).status_code == 403
        self.login(self.leader)  # Engineering leader: Sales round is not theirs
        assert self.client.get(reverse("surveysapi:round_detail", args=[rid])).status_code == 404
        assert PulseRound.objects.count() == 1
