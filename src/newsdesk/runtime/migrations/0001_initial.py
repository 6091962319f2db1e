"""PipelineLock (from articles) and Heartbeat (from operations) move here in Django's state only:
their tables keep their names and rows, so no SQL runs."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("articles", "0006_entities"), ("operations", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PipelineLock",
                    fields=[("name", models.CharField(max_length=50, primary_key=True, serialize=False))],
                    options={"db_table": "articles_pipelinelock"},
                ),
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        (
                            "name",
                            models.CharField(
                                help_text="host:pid of the worker.",
                                max_length=200,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("beat_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("queue_depth", models.PositiveIntegerField(blank=True, null=True)),
                    ],
                    options={"db_table": "operations_heartbeat"},
                ),
            ],
            database_operations=[],
        )
    ]
