"""Articles stored before pictures were kept get their lead image queued (an Image row, pending), as new
ones do at ingest; the worker fetches them. Batched: one query per 500 articles."""

import hashlib

from django.db import migrations


def _key(url: str) -> str:  # as images.models.Image.key_for("lead", url)
    return hashlib.sha256(f"lead\x1f{url}".encode("utf-8", "replace")).hexdigest()


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("images", "Image")
    todo = (
        Article.objects.filter(image__isnull=True)
        .exclude(lead_image_url="")
        .filter(lead_image_url__regex=r"^https?://")
        .values_list("pk", "lead_image_url")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(todo.filter(pk__gt=last)[:500])
        if not batch:
            return
        last = batch[-1][0]
        keys = {_key(url): url for _, url in batch}
        Image.objects.bulk_create(
            [Image(kind="lead", url=url, url_key=k) for k, url in keys.items()], ignore_conflicts=True
        )
        ids = dict(Image.objects.filter(url_key__in=list(keys)).values_list("url_key", "pk"))
        for pk, url in batch:
            if _key(url) in ids:
                Article.objects.filter(pk=pk).update(image_id=ids[_key(url)])


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_unwrap_archive_links"), ("images", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
