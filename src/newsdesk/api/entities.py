"""Entities (people, organisations, places) as the API and feeds see them: one small interface.

They come from the stored entity mentions (`articles.EntityMention`, linked across each story by
`articles/entities.py`); `_mentions` is the only query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from newsdesk.articles.models import FINAL_STAGE, Article, EntityMention

SCAN_LIMIT = 50_000  # the newest mentions read for the top list: entity pages are about the news now


@dataclass
class EntityInfo:
    slug: str
    name: str
    kind: str
    article_ids: list[int] = field(default_factory=list)


def _mentions(
    article_ids: Iterable[int] | None = None, slug: str | None = None
) -> Iterable[tuple[int, str, str, str]]:
    """(article id, slug, name, kind) for the entities of visible articles, newest first."""
    rows = EntityMention.objects.filter(article__stage=FINAL_STAGE, article__duplicate_of__isnull=True)
    if article_ids is not None:
        rows = rows.filter(article_id__in=list(article_ids))
    if slug is not None:
        rows = rows.filter(slug=slug)
    return rows.order_by("-published_at").values_list("article_id", "slug", "name", "kind")[:SCAN_LIMIT]


def _collect(rows: Iterable[tuple[int, str, str, str]]) -> dict[str, EntityInfo]:
    found: dict[str, EntityInfo] = {}
    for article_id, slug, name, kind in rows:
        info = found.setdefault(slug, EntityInfo(slug, name, kind))
        if article_id not in info.article_ids:
            info.article_ids.append(article_id)
    return found


def _ranked(found: dict[str, EntityInfo]) -> list[EntityInfo]:
    return sorted(found.values(), key=lambda e: (-len(e.article_ids), e.name.lower(), e.slug))


def top_entities(limit: int = 50, prefix: str = "") -> list[EntityInfo]:
    """The entities mentioned by most articles, optionally those whose name starts with `prefix`."""
    found = _ranked(_collect(_mentions()))
    if prefix:
        p = prefix.lower()
        found = [e for e in found if e.name.lower().startswith(p) or e.slug.startswith(p)]
    return found[:limit]


def entity(slug: str) -> EntityInfo | None:
    return _collect(_mentions(slug=slug)).get(slug)


def entities_of(article_ids: Iterable[int]) -> list[EntityInfo]:
    return _ranked(_collect(_mentions(article_ids)))


def articles_about(slug: str) -> QuerySet[Article]:
    info = entity(slug)
    ids = info.article_ids if info else []
    return Article.objects.filter(pk__in=ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
