"""Heartbeat now lives in the runtime app (same table, state only: no SQL runs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial"), ("runtime", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Heartbeat")], database_operations=[]
        )
    ]
