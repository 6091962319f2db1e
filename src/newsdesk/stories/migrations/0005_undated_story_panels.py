"""Story panels with an undated member resolved its relative dates against the import time: drop
them, and the worker makes them again (an undated article adds only the dates it states)."""

from django.db import migrations


def drop_anchored_panels(apps, schema_editor):  # type: ignore[no-untyped-def]
    StoryInsight = apps.get_model("stories", "StoryInsight")
    StoryInsight.objects.filter(story__articles__published_at__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stories", "0004_story_continues"), ("articles", "0008_undated_panels")]

    operations = [migrations.RunPython(drop_anchored_panels, migrations.RunPython.noop)]
