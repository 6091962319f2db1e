"""The reader state both protocols speak: subscriptions, folders, articles, read and starred.

Everything reads and writes the site's own rows (`readers.Follow` of kind source = a
subscription, `ReadMark` = read, `Bookmark` = starred / saved), so a story marked read in an
app is read on the site, and the other way round. Writes to them go through `readers.changes`
(the site's rules and caps); only the folders (`SubscriptionLabel`) are this app's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.articles.models import Article
from newsdesk.readers import changes
from newsdesk.readers.models import Bookmark, Follow, ReadMark
from newsdesk.readersync.models import SubscriptionLabel
from newsdesk.sources.models import Source

User = AbstractBaseUser


def followed_source_ids(user: User) -> list[int]:
    keys = Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE).values_list("key", flat=True)
    return [int(k) for k in keys if k.isdigit()]


def subscriptions(user: User) -> list[tuple[Source, Follow]]:
    follows = {f.key: f for f in Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE)}
    sources = Source.objects.filter(pk__in=[int(k) for k in follows if k.isdigit()]).order_by("title", "id")
    return [(s, follows[str(s.pk)]) for s in sources]


def follow_label(user: User, source: Source) -> str:
    """The name the reader gave a followed source ('' when none)."""
    follow = Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE, key=str(source.pk)).first()
    return follow.label if follow else ""


def category_label(category: str) -> str:
    """A source's category as one folder name: the top level of 'World / Europe'."""
    return category.split("/")[0].strip()


def labels_by_source(user: User, sources: Iterable[Source]) -> dict[int, list[str]]:
    """Each source's folders for this reader: the ones set from an app, else the source's category."""
    chosen: dict[int, list[str]] = defaultdict(list)
    for source_id, name in SubscriptionLabel.objects.filter(user=user).values_list("source_id", "name"):
        chosen[source_id] += [name] if name else []
    out: dict[int, list[str]] = {}
    for s in sources:
        if s.pk in chosen:
            out[s.pk] = chosen[s.pk]
        elif label := category_label(s.category):
            out[s.pk] = [label]
        else:
            out[s.pk] = []
    return out


def all_labels(user: User) -> list[str]:
    found = labels_by_source(user, [s for s, _ in subscriptions(user)])
    return sorted({name for names in found.values() for name in names})


def sources_with_label(user: User, label: str) -> list[int]:
    subs = [s for s, _ in subscriptions(user)]
    found = labels_by_source(user, subs)
    return [pk for pk, names in found.items() if label in names]


def unfollow_source(user: User, source_id: int) -> None:
    changes.unfollow_source(user, source_id)
    SubscriptionLabel.objects.filter(user=user, source_id=source_id).delete()


def set_label(user: User, source: Source, label: str, *, on: bool) -> None:
    """Put a subscription in a folder or take it out (a row named '' means 'in no folder')."""
    label = label.strip()[:300]
    if not label:
        return
    rows = SubscriptionLabel.objects.filter(user=user, source=source)
    if not rows.exists():
        # The category-derived folders become explicit before the first change, so edits are exact.
        current = labels_by_source(user, [source])[source.pk] or [""]
        SubscriptionLabel.objects.bulk_create(
            [SubscriptionLabel(user=user, source=source, name=n) for n in current], ignore_conflicts=True
        )
    if on:
        SubscriptionLabel.objects.get_or_create(user=user, source=source, name=label)
        rows.filter(name="").delete()
    else:
        rows.filter(name=label).delete()
        if not rows.exists():
            SubscriptionLabel.objects.create(user=user, source=source, name="")


def articles_for(user: User) -> QuerySet[Article]:
    """Every article of the reader's subscriptions (also when another followed feed carried it),
    annotated with `ts` (published, else discovered), `is_read` and `is_starred`."""
    ids = followed_source_ids(user)
    carried = Article.objects.filter(sightings__source_id__in=ids).values("pk")
    return annotate(Article.objects.filter(Q(source_id__in=ids) | Q(pk__in=carried)), user)


def annotate(qs: QuerySet[Article], user: User) -> QuerySet[Article]:
    return qs.annotate(
        ts=Coalesce("published_at", "discovered_at"),
        is_read=Exists(ReadMark.objects.filter(user=user, article=OuterRef("pk"))),
        is_starred=Exists(Bookmark.objects.filter(user=user, article=OuterRef("pk"))),
    ).select_related("source")


def starred_for(user: User) -> QuerySet[Article]:
    return annotate(Article.objects.filter(bookmarks__user=user), user)


def mark_found_before_read(user: User, qs: QuerySet[Article], before: datetime | None) -> int:
    """Mark every unread article of `qs` the site found at or before `before` read.

    `before` is an app's last sync: an article published earlier but found later is one the app
    has not shown yet, so it stays unread."""
    todo = qs.filter(is_read=False)
    if before is not None:
        todo = todo.filter(discovered_at__lte=before)
    return changes.mark_read(user, todo.values_list("pk", flat=True))
