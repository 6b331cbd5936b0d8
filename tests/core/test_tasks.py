"""One way to name and queue tasks: `<app>.<verb_object>` names, queued after commit."""

from __future__ import annotations

import importlib
import re

from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.tasks import Task, task
from surveys.services.rounds import round_create
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people
from trustos.celery import app as celery_app

rename = importlib.import_module("surveys.migrations.0005_rename_task_names")
# The project's own apps: those whose code lives in this repository, not in a package.
PROJECT_APPS = {
    c.name
    for c in django_apps.get_app_configs()
    if c.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in c.path
}
NAME_STYLE = re.compile(r"^(?P<app>[a-z]+)\.[a-z]+(_[a-z0-9]+)+$")


def project_task_names() -> list[str]:
    celery_app.loader.import_default_modules()
    return sorted(n for n in celery_app.tasks if not n.startswith("celery."))


class TaskNameTests(TestCase):
    def test_every_registered_task_is_named_app_dot_verb_object(self) -> None:
        names = project_task_names()
        assert names, "no project task registered"
        for name in names:
            match = NAME_STYLE.match(name)
            assert match, f"{name!r} does not look like '<app>.<verb_object>'"
            assert match["app"] in PROJECT_APPS, f"{name!r} names no app of the project"

    def test_surveys_and_scoring_tasks_use_the_core_task_base(self) -> None:
        for name in project_task_names():
            if name.split(".")[0] in {"surveys", "scoring"}:
                assert isinstance(celery_app.tasks[name], Task), name

    def test_the_decorator_refuses_a_name_in_another_style(self) -> None:
        for bad in ("surveys.tasks.round_dispatch", "dispatch_round", ".x"):
            with self.assertRaises(ValueError):
                task(name=bad)

    def test_every_stored_beat_task_names_a_registered_task(self) -> None:
        stored = set(PeriodicTask.objects.values_list("task", flat=True))
        assert stored  # the migrations create the tick and the decisions schedules
        assert stored <= set(project_task_names())


class RenameMigrationTests(TestCase):
    def setUp(self) -> None:
        self.every = IntervalSchedule.objects.create(every=5, period="minutes")

    def periodic(self, name: str, task_name: str) -> PeriodicTask:
        return PeriodicTask.objects.create(name=name, task=task_name, interval=self.every)

    def test_it_maps_every_old_name_to_a_registered_new_one(self) -> None:
        registered = set(project_task_names())
        for old, new in rename.RENAMED.items():
            assert old not in registered, f"{old} is still registered"
            assert new in registered, f"{new} is not registered"

    def test_it_renames_stored_tasks_and_back(self) -> None:
        tasks = {old: self.periodic(f"t{i}", old) for i, old in enumerate(rename.RENAMED)}
        untouched = self.periodic("other", "decisions.dispatch_due_checkins")
        rename.forwards(django_apps, None)
        for old, row in tasks.items():
            row.refresh_from_db()
            assert row.task == rename.RENAMED[old]
        rename.backwards(django_apps, None)
        for old, row in tasks.items():
            row.refresh_from_db()
            assert row.task == old
        untouched.refresh_from_db()
        assert untouched.task == "decisions.dispatch_due_checkins"


class QueueOnCommitTests(BaseTestCase):
    def test_a_new_round_is_dispatched_only_after_its_transaction_commits(self) -> None:
        add_people(self.org, self.sales, 3)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            round_create(organization=self.org, teams=[self.sales], actor=self.owner)
        assert len(callbacks) == 1 and mail.outbox == []
        callbacks[0]()
        assert len(mail.outbox) == 3
