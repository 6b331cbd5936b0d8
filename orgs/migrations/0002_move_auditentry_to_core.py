# The audit log moves to core (core.AuditEntry, same table): orgs forgets the model without
# touching the database. Runs after core's 0001 has taken the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0001_initial"),
        ("core", "0001_auditentry_from_orgs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
