"""Load the shipped trust-infrastructure rubric (surveys/rubric/trust_infrastructure.yaml)."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.rubric_io import rubric_install, rubric_read

    rubric_install(data=rubric_read(), apps=apps)


def unload(apps, schema_editor):
    apps.get_model("surveys", "RubricVersion").objects.filter(organization=None).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_schedule_time_invitation_nonce")]
    operations = [migrations.RunPython(load, unload)]
