"""Create the every-minute beat task that publishes what a broker outage left in the outbox."""

from django.db import migrations

DRAIN_NAME = "core: publish tasks waiting in the outbox"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=DRAIN_NAME,
        defaults={"task": "core.drain_outbox", "interval": every, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DRAIN_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_task_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
