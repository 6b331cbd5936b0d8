"""Give every existing organization the default metric definitions (new orgs get them on save)."""

from django.db import migrations

from execution.metric_defaults import DEFAULT_METRICS


def create(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    MetricDefinition = apps.get_model("execution", "MetricDefinition")
    for org_id in Organization.objects.values_list("id", flat=True):
        have = set(
            MetricDefinition.objects.filter(organization_id=org_id).values_list("code", flat=True)
        )
        MetricDefinition.objects.bulk_create(
            [
                MetricDefinition(
                    organization_id=org_id,
                    code=m.code,
                    name=m.name,
                    unit=m.unit,
                    direction=m.direction,
                    target=m.target,
                    floor=m.floor,
                    definition=m.definition,
                    position=i,
                )
                for i, m in enumerate(DEFAULT_METRICS)
                if m.code not in have
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("execution", "0001_initial"), ("orgs", "0003_apitoken")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
