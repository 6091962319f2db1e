"""Related coverage for an article page: other outlets' articles from other stories, with reasons,
and "more from this story"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.functions import Substr

from newsdesk.articles.models import (
    FINAL_STAGE,
    LIST_DEFERRED,
    LIST_RELATED,
    MUTE_TEXT_CHARS,
    NEWEST_FIRST,
    Article,
)
from newsdesk.articles.vectors import article_index
from newsdesk.images.models import Image
from newsdesk.pipeline.embeddings import from_blob
from newsdesk.pipeline.features import ArticleFeatures, entity_proxies
from newsdesk.pipeline.related import related_articles
from newsdesk.sources.models import Source

CANDIDATES = 40
LEAD_CHARS = 600  # reasons name shared entities of the title and lead; the rest only costs time
WINDOW = timedelta(days=14)


def lead_entities(title: str, text: str) -> list[str]:
    """The names a reason can cite (capitalised-word proxies of title and lead): computed once, when
    the article is embedded, and stored, so an article page only intersects sets."""
    return sorted(entity_proxies(title, text[:LEAD_CHARS]))


def _features(
    pk: int, title: str, outlet: int, when: datetime, embedding: bytes, names: list[str]
) -> ArticleFeatures:
    return ArticleFeatures(
        id=str(pk),
        title=title,
        text="",  # reasons need only the names, vector and time
        source=str(outlet),  # the publisher: diversity and "other outlets" count publishers
        published=when,
        vector=from_blob(embedding),
        entities=frozenset(names),
    )


def _names(article: Article) -> list[str]:
    if article.lead_entities is not None:
        return article.lead_entities
    # Embedded before names were stored: from the lead a list loaded, else the text.
    lead = getattr(article, "text_lead", None)
    return lead_entities(article.title, article.text if lead is None else lead)


@dataclass(frozen=True)
class Related:
    article: Article
    reason: str


def _candidates(article: Article, ids: list[int]) -> list[Article]:
    """Of `ids`, the finished originals from other outlets and other stories, with only what choosing
    and showing them needs. One raw read: the ORM's two queries (rows, then the chosen as models) took
    ~1.5 times as long at a million articles (benchmarks.search)."""
    table, sources = Article._meta.db_table, Source._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    # Copies of this article are out by duplicate_of (they have one); so is the original it copies.
    # An outlet is a publisher (a feed without one stands alone: its id, negated).
    outlet = "COALESCE(s.publisher_id, -a.source_id)"
    sql = (
        "SELECT a.id, a.title, a.description, a.source_id, a.story_id, a.published_at, a.discovered_at, "
        f"a.embedding, a.lead_entities, a.image_id, substr(a.text, 1, %s) AS text_lead, {outlet} AS outlet "
        f"FROM {table} a JOIN {sources} s ON s.id = a.source_id "
        f"WHERE a.id IN ({marks}) AND a.stage = %s AND a.duplicate_of_id IS NULL AND {outlet} <> %s "
        "AND (a.story_id IS NULL OR a.story_id <> %s) AND a.id <> %s"
    )
    params = [MUTE_TEXT_CHARS, *ids, FINAL_STAGE.value, _outlet(article), article.story_id or 0]
    return list(Article.objects.raw(sql, [*params, article.duplicate_of_id or 0]))


def _outlet(article: Article) -> int:
    publisher = Source.objects.filter(pk=article.source_id).values_list("publisher_id", flat=True).first()
    return publisher or -article.source_id


def related_for(
    article: Article, k: int = 5, *, keep: Callable[[Article], bool] | None = None
) -> list[Related]:
    """Articles from other stories and other outlets, most related first, never a copy of this one;
    `keep` (a reader's mutes) drops candidates before the `k` are chosen."""
    if article.embedding is None:
        return []
    hits = article_index().search(from_blob(article.embedding), CANDIDATES)
    rank = {pk: i for i, (pk, _) in enumerate(hits) if pk != article.pk}
    if not rank:
        return []
    t = article.display_time
    pool = [
        a
        for a in _candidates(article, list(rank))
        if a.embedding is not None and abs(a.display_time - t) <= WINDOW and (keep is None or keep(a))
    ]
    pool.sort(key=lambda a: rank[a.pk])  # only the nearest few can make the list anyway
    by_id = {str(a.pk): a for a in pool[: 3 * k]}
    own = _features(article.pk, article.title, _outlet(article), t, article.embedding, _names(article))
    features = [
        _features(a.pk, a.title, a.outlet, a.display_time, a.embedding, _names(a)) for a in by_id.values()
    ]
    chosen = [(by_id[r.article_id], r.reason.text) for r in related_articles(own, features, k=k)]
    # What the list shows beside each: its publisher with its icon, its thumbnail; one query each.
    outlets = Source.objects.select_related("publisher__icon").in_bulk({a.source_id for a, _ in chosen})
    images = Image.objects.in_bulk({a.image_id for a, _ in chosen if a.image_id})
    for a, _ in chosen:
        a.source = outlets[a.source_id]
        a.image = images.get(a.image_id) if a.image_id else None
    return [Related(a, reason) for a, reason in chosen]


def more_from_story(article: Article, limit: int = 10) -> list[Article]:
    if not article.story_id:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .exclude(pk=article.pk)
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))  # all that mutes look at
        .select_related(*LIST_RELATED)
        .order_by(*NEWEST_FIRST)[:limit]
    )
