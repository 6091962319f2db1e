"""Links through archive wrappers (archive.is/newest/<url>, web.archive.org/web/<ts>/<url>) become the
publisher's own URL, for identity and for the link shown, as new entries do (pipeline/urls.py)."""

from django.db import IntegrityError, migrations, transaction
from django.db.models import Q

from newsdesk.pipeline.urls import InvalidURL, canonicalize_url, strip_tracking

WRAPPED = Q()
for host in ("://archive.is/", "://archive.ph/", "://archive.today/", "://web.archive.org/web/"):
    WRAPPED |= Q(url__contains=host) | Q(canonical_url__contains=host)


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(WRAPPED).only("pk", "url", "canonical_url").iterator():
        try:
            url, canonical = strip_tracking(article.url), canonicalize_url(article.url)
        except InvalidURL:
            continue
        try:
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(url=url[:2000], canonical_url=canonical[:2000])
        except IntegrityError:  # the direct link is already another article: keep the link shown only
            Article.objects.filter(pk=article.pk).update(url=url[:2000])


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_article_image")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
