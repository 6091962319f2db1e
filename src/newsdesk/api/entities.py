"""Entities (people, organisations, places) as the API and feeds see them: one small interface.

They come from the stored entity mentions (`articles.EntityMention`, linked across each story) where
that table exists, else from the stored article panels (`Insight.data`). `_mentions` is the only
place that knows which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet

from newsdesk.articles.models import FINAL_STAGE, Article, Insight

ENTITY_KEYS = ("people", "organisations", "places", "other_entities")
SCAN_LIMIT = 5000  # the newest panels read per call: entity pages are about what is in the news now


@dataclass
class EntityInfo:
    slug: str
    name: str
    kind: str
    article_ids: list[int] = field(default_factory=list)


def _mentions(article_ids: Iterable[int] | None = None) -> Iterable[tuple[int, str, str, str]]:
    """(article id, slug, name, kind) for every entity of every visible article (or of `article_ids`)."""
    try:
        mentions = apps.get_model("articles", "EntityMention")
    except LookupError:
        mentions = None
    if mentions is not None:
        rows = mentions.objects.filter(article__stage=FINAL_STAGE, article__duplicate_of__isnull=True)
        if article_ids is not None:
            rows = rows.filter(article_id__in=list(article_ids))
        yield from rows.order_by("-published_at").values_list("article_id", "slug", "name", "kind")[
            : SCAN_LIMIT * 10
        ]
        return
    qs = Insight.objects.filter(article__stage=FINAL_STAGE, article__duplicate_of__isnull=True)
    if article_ids is not None:
        qs = qs.filter(article_id__in=list(article_ids))
    for article_id, data in qs.order_by("-article__discovered_at").values_list("article_id", "data")[
        :SCAN_LIMIT
    ]:
        for key in ENTITY_KEYS:
            for e in (data or {}).get(key) or []:
                if isinstance(e, dict) and e.get("slug") and e.get("name"):
                    yield article_id, str(e["slug"]), str(e["name"]), str(e.get("kind") or key)


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
    return _collect(m for m in _mentions() if m[1] == slug).get(slug)


def entities_of(article_ids: Iterable[int]) -> list[EntityInfo]:
    return _ranked(_collect(_mentions(article_ids)))


def articles_about(slug: str) -> QuerySet[Article]:
    info = entity(slug)
    ids = info.article_ids if info else []
    return Article.objects.filter(pk__in=ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
