"""Which entities each article mentions: the one place reader features ask, so it has one source.

Entities come from the article's stored AI panel (`Insight.data`, slugs made by the pipeline's
entity linker) and from the entity index (`articles.EntityMention`, slugs linked across the story,
as entity pages use them). Following an entity by either slug finds the article.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsdesk.articles.entities import with_pages
from newsdesk.articles.models import EntityMention, Insight
from newsdesk.pipeline.text.entities import slugify

ENTITY_KEYS = ("people", "organisations", "places", "other_entities")
KIND_OF_KEY = {
    "people": "person",
    "organisations": "organisation",
    "places": "place",
    "other_entities": "other",
}


def entity_slug(name: str) -> str:
    """The slug of an entity's name, as the pipeline makes it (stable across articles)."""
    return slugify(name)


def _panel_entities(data: dict[str, Any]) -> Iterable[tuple[str, str, str]]:
    for key in ENTITY_KEYS:
        for e in data.get(key) or []:
            if isinstance(e, dict) and e.get("name"):
                yield str(e.get("slug") or entity_slug(str(e["name"]))), str(e["name"]), KIND_OF_KEY[key]


def entity_slugs_for(article_ids: Iterable[int]) -> dict[int, set[str]]:
    """Every entity slug each article mentions (articles with none are absent)."""
    ids = list(set(article_ids))
    out: dict[int, set[str]] = {}
    if not ids:
        return out
    for article_id, data in Insight.objects.filter(article_id__in=ids).values_list("article_id", "data"):
        for slug, _name, _kind in _panel_entities(data or {}):
            out.setdefault(article_id, set()).add(slug)
    mentions = EntityMention.objects.filter(article_id__in=ids)
    for article_id, slug in mentions.values_list("article_id", "slug"):
        out.setdefault(article_id, set()).add(slug)
    return out


def entities_named_in(article_ids: Iterable[int], limit: int = 8) -> list[tuple[str, str, str]]:
    """The most mentioned entities of some articles that have an entity page, as (slug, name, kind), for
    follow buttons."""
    counts: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for data in Insight.objects.filter(article_id__in=list(article_ids)).values_list("data", flat=True):
        for slug, name, kind in _panel_entities(data or {}):
            if kind == "other":
                continue
            counts[slug] = counts.get(slug, 0) + 1
            names.setdefault(slug, (name, kind))
    # Only entities with a page (seen in several articles): no "Follow" for a one-off or misread name.
    pages = with_pages(counts)
    top = sorted(pages, key=lambda s: (-counts[s], names[s][0].lower()))[:limit]
    return [(s, *names[s]) for s in top]
