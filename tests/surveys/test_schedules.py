"""Pulse schedules: stored with a beat PeriodicTask that follows every edit; leaders limited to their teams."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from surveys.models import PulseRound, PulseSchedule
from surveys.services.schedules import schedule_create, schedule_run, schedule_update
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people
from trustos.celery import app as celery_app

UTC = dt.UTC


class ScheduleTests(BaseTestCase):
    def setUp(self) -> None:
        self.org.time_zone = "Europe/Berlin"
        self.org.save()
        add_people(self.org, self.platform, 5)

    def create(self, **kw: object) -> PulseSchedule:
        fields = {
            "name": "Eng pulse",
            "cadence": "monthly",
            "questions_per_round": 8,
            "open_days": 5,
            "send_weekday": 1,
            "send_hour": 10,
        }
        fields.update(kw)
        return schedule_create(organization=self.org, actor=self.owner, teams=[self.eng], **fields)

    def test_creating_a_schedule_creates_its_beat_task_in_the_org_time_zone(self) -> None:
        s = self.create()
        task = PeriodicTask.objects.get(pk=s.periodic_task_id)
        assert task.task == "surveys.run_schedule"
        assert json.loads(task.kwargs) == {"schedule_id": s.pk}
        assert task.enabled
        cron = task.crontab
        assert (cron.minute, cron.hour, cron.day_of_week, cron.day_of_month) == (
            "0",
            "10",
            "tue",
            "1-7",
        )
        assert str(cron.timezone) == "Europe/Berlin"
        assert "surveys.run_schedule" in celery_app.tasks

    def test_editing_the_schedule_updates_and_pausing_disables_the_task(self) -> None:
        s = self.create()
        schedule_update(schedule=s, actor=self.owner, cadence="weekly", send_weekday=3, send_hour=8)
        task = PeriodicTask.objects.get(pk=s.periodic_task_id)
        assert (task.crontab.day_of_week, task.crontab.hour, task.crontab.day_of_month) == (
            "thu",
            "8",
            "*",
        )
        schedule_update(schedule=s, actor=self.owner, is_active=False)
        assert not PeriodicTask.objects.get(pk=s.periodic_task_id).enabled
        assert PeriodicTask.objects.filter(task="surveys.run_schedule").count() == 1

    def test_deleting_a_schedule_removes_its_task_and_keeps_its_rounds(self) -> None:
        s = self.create()
        with self.captureOnCommitCallbacks(execute=True):
            rnd = schedule_run(schedule_id=s.pk)
        self.login(self.owner)
        res = self.client.post(reverse("surveys:schedule_delete", args=[s.pk]))
        assert res.status_code == 302
        assert not PeriodicTask.objects.filter(task="surveys.run_schedule").exists()
        assert PulseRound.objects.filter(pk=rnd.pk).exists()

    def test_a_beat_run_opens_one_round_and_a_redelivered_run_does_nothing(self) -> None:
        s = self.create(cadence="weekly")
        with self.captureOnCommitCallbacks(execute=True):
            first = schedule_run(schedule_id=s.pk)
            again = schedule_run(schedule_id=s.pk)
        assert first is not None and again is None
        assert first.status == "open" and len(mail.outbox) == 6
        assert first.round_items.count() == 8
        assert set(first.teams.all()) == {self.eng}

    def test_fortnightly_runs_every_other_weekly_trigger(self) -> None:
        s = self.create(cadence="fortnightly")
        start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        made = []
        for week in range(6):
            when = start + dt.timedelta(weeks=week)
            with time_machine.travel(when, tick=False), self.captureOnCommitCallbacks(execute=True):
                made.append(schedule_run(schedule_id=s.pk) is not None)
        assert made == [True, False, True, False, True, False]

    def test_the_every_minute_tick_task_exists_from_the_migration(self) -> None:
        task = PeriodicTask.objects.get(task="surveys.tick_rounds")
        assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"


class ScheduleUITests(BaseTestCase):
    def post_data(self, teams: list[int], **kw: object) -> dict[str, object]:
        data = {
            "name": "Pulse",
            "cadence": "weekly",
            "questions_per_round": 9,
            "open_days": 4,
            "send_weekday": 0,
            "send_hour": 9,
            "is_active": "on",
            "teams": teams,
        }
        data.update(kw)
        return data

    def test_a_leader_schedules_a_pulse_for_a_team_they_lead(self) -> None:
        self.login(self.leader)
        res = self.client.post(
            reverse("surveys:schedule_create"), self.post_data([self.platform.pk])
        )
        assert res.status_code == 302, res.content.decode()[:2000]
        s = PulseSchedule.objects.get()
        assert s.periodic_task is not None and s.created_by == self.leader
        page = self.client.get(reverse("surveys:round_list"))
        assert "Pulse" in page.content.decode()

    def test_a_leader_cannot_schedule_a_pulse_for_a_team_they_do_not_lead(self) -> None:
        self.login(self.leader)
        res = self.client.post(reverse("surveys:schedule_create"), self.post_data([self.sales.pk]))
        assert res.status_code == 400
        assert "not one of the available choices" in res.content.decode()
        assert not PulseSchedule.objects.exists()

    def test_bad_schedule_input_is_answered_with_400_naming_the_field(self) -> None:
        self.login(self.owner)
        res = self.client.post(
            reverse("surveys:schedule_create"),
            self.post_data([self.sales.pk], questions_per_round=12, cadence="daily"),
        )
        assert res.status_code == 400
        html = res.content.decode()
        assert "A round asks 8 to 10 questions" in html and "daily is not one of" in html
        assert not PeriodicTask.objects.filter(task="surveys.run_schedule").exists()

    def test_employees_and_other_orgs_cannot_reach_schedules(self) -> None:
        self.login(self.member)
        assert self.client.get(reverse("surveys:round_list")).status_code == 403
        s = schedule_create(
            organization=self.org,
            actor=self.owner,
            teams=[self.sales],
            name="x",
            cadence="weekly",
            questions_per_round=8,
            open_days=3,
        )
        self.login(self.outsider)
        assert self.client.get(reverse("surveys:schedule_edit", args=[s.pk])).status_code == 404
        self.login(self.leader)  # leads Engineering, not Sales
        assert self.client.get(reverse("surveys:schedule_edit", args=[s.pk])).status_code == 403

    def test_send_a_one_off_round_now(self) -> None:
        add_people(self.org, self.mobile, 5)
        self.login(self.leader)
        with self.captureOnCommitCallbacks(execute=True):
            res = self.client.post(
                reverse("surveys:round_send"),
                {"teams": [self.mobile.pk], "questions": 8, "open_days": 3, "title": "Now"},
            )
        assert res.status_code == 302
        rnd = PulseRound.objects.get()
        assert rnd.title == "Now" and rnd.status == "open"
        assert rnd.round_items.count() == 8  # all 7 dimensions + 1 for a co-answered block
        assert len(mail.outbox) == 5
        page = self.client.get(reverse("surveys:round_detail", args=[rnd.pk]))
        assert page.status_code == 200 and "Participation" in page.content.decode()
