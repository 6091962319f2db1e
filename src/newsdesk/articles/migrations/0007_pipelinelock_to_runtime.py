"""PipelineLock now lives in the runtime app (same table, state only: no SQL runs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_entities"), ("runtime", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PipelineLock")], database_operations=[]
        )
    ]
