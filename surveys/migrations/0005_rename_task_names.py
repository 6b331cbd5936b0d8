"""Rename stored beat tasks to the one task-name style, `<app>.<verb_object>` (core.tasks).

Beat looks tasks up by name, so a PeriodicTask still holding an old name would never run
again after the rename. Scoring's tasks are listed too: they are never scheduled by the
code, but an operator may have scheduled one in the admin.
"""

from django.db import migrations

RENAMED = {
    "surveys.tasks.round_dispatch": "surveys.dispatch_round",
    "surveys.tasks.schedule_run": "surveys.run_schedule",
    "surveys.tasks.rounds_tick": "surveys.tick_rounds",
    "scoring.tasks.recompute_round_snapshots": "scoring.recompute_round_snapshots",
    "scoring.tasks.recompute_org_snapshots": "scoring.recompute_org_snapshots",
}


def _rename(apps, mapping):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_rounds_tick_task"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
