"""Create the hourly beat schedule of commitment follow-up (reminders, "did this happen?")."""

from django.db import migrations

TASKS = [("Workshop commitments: reminders and follow-up", "workshops.follow_up_commitments")]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    for name, task in TASKS:
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": hourly, "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[n for n, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0002_commitments_followup"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
