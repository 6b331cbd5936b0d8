# The audit log moves from orgs to core: state only, the table (orgs_auditentry) and its rows
# stay where they are. Paired with orgs/migrations/0002_move_auditentry_to_core.py.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(max_length=100)),
                        ("object_type", models.CharField(max_length=100)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("changes", models.JSONField(blank=True, default=dict)),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="audit_entries", to="orgs.organization")),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "db_table": "orgs_auditentry",
                        "ordering": ["-at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
