"""Panels of undated articles were made with the import time as their publish time ("Thursday" became
a day of the import week): drop them, and the worker makes them again with no anchor."""

from django.db import migrations


def drop_anchored_panels(apps, schema_editor):  # type: ignore[no-untyped-def]
    Insight = apps.get_model("articles", "Insight")
    Insight.objects.filter(article__published_at__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_pipelinelock_to_runtime")]

    operations = [migrations.RunPython(drop_anchored_panels, migrations.RunPython.noop)]
