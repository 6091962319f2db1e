"""Every existing source gets its publisher (one per registrable domain), as new sources do."""

from django.db import migrations

from newsdesk.pipeline.publishers import publisher_key, publisher_name


def forwards(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    Publisher = apps.get_model("sources", "Publisher")
    for source in Source.objects.filter(publisher__isnull=True).order_by("pk").iterator():
        key = publisher_key(source.site_url, source.url)
        if not key:
            continue
        publisher, _ = Publisher.objects.get_or_create(
            key=key[:300],
            defaults={"name": publisher_name(key, source.title), "site_url": source.site_url[:2000]},
        )
        Source.objects.filter(pk=source.pk).update(publisher=publisher)


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_publisher_source_publisher")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
