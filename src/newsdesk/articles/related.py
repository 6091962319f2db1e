"""Related coverage for an article page: other outlets' articles from other stories, with reasons,
and "more from this story"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.functions import Substr

from newsdesk.articles.models import FINAL_STAGE, LIST_DEFERRED, Article
from newsdesk.articles.vectors import article_index
from newsdesk.pipeline.embeddings import from_blob
from newsdesk.pipeline.stories import ArticleFeatures, entity_proxies, related_articles

CANDIDATES = 40
MUTE_TEXT_CHARS = 3000  # as readers.state: a muted keyword in the lead hides an article
LEAD_CHARS = 600  # reasons name shared entities of the title and lead; the rest only costs time
WINDOW = timedelta(days=14)


def lead_entities(title: str, text: str) -> list[str]:
    """The names a reason can cite (capitalised-word proxies of title and lead): computed once, when
    the article is embedded, and stored, so an article page only intersects sets."""
    return sorted(entity_proxies(title, text[:LEAD_CHARS]))


def _features(
    pk: int, title: str, source_id: int, when: datetime, embedding: bytes, names: list[str]
) -> ArticleFeatures:
    return ArticleFeatures(
        id=str(pk),
        title=title,
        text="",  # reasons need only the names, vector and time
        source=str(source_id),
        published=when,
        vector=from_blob(embedding),
        entities=frozenset(names),
    )


def _names(article: Article) -> list[str]:
    if article.lead_entities is not None:
        return article.lead_entities
    return lead_entities(article.title, article.text)  # embedded before names were stored


@dataclass(frozen=True)
class Related:
    article: Article
    reason: str


def related_for(article: Article, k: int = 5) -> list[Related]:
    """Articles from other stories and other outlets, most related first, never a copy of this one.

    Candidates are read as plain rows (no model per row: at 40 candidates that was most of the
    time); only the `k` chosen are loaded as articles, with what a list and mutes show."""
    if article.embedding is None:
        return []
    hits = article_index().search(from_blob(article.embedding), CANDIDATES)
    rank = {pk: i for i, (pk, _) in enumerate(hits) if pk != article.pk}
    # Copies of this article are out by `duplicate_of` (they have one); so is the original it copies.
    pool = Article.objects.filter(pk__in=list(rank), stage=FINAL_STAGE, duplicate_of__isnull=True).exclude(
        source_id=article.source_id
    )
    if article.story_id:
        pool = pool.exclude(story_id=article.story_id)
    if article.duplicate_of_id:
        pool = pool.exclude(pk=article.duplicate_of_id)
    t = article.display_time
    rows = [
        (pk, title, source_id, published or discovered, embedding, names)
        for pk, title, source_id, published, discovered, embedding, names in pool.values_list(
            "pk", "title", "source_id", "published_at", "discovered_at", "embedding", "lead_entities"
        )
        if embedding is not None and abs((published or discovered) - t) <= WINDOW
    ]
    rows.sort(key=lambda r: rank[r[0]])  # only the nearest few can make the list anyway
    rows = rows[: 3 * k]
    missing = [r[0] for r in rows if r[5] is None]
    if missing:  # rows embedded before names were stored
        leads = dict(
            Article.objects.filter(pk__in=missing)
            .annotate(lead=Substr("text", 1, LEAD_CHARS))
            .values_list("pk", "lead")
        )
        rows = [(*r[:5], lead_entities(r[1], leads[r[0]]) if r[5] is None else r[5]) for r in rows]
    own = _features(article.pk, article.title, article.source_id, t, article.embedding, _names(article))
    chosen = related_articles(own, [_features(*r) for r in rows], k=k)
    shown = {
        a.pk: a
        for a in Article.objects.filter(pk__in=[int(r.article_id) for r in chosen])
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))  # all that mutes look at
        .select_related("source")
    }
    return [Related(shown[int(r.article_id)], r.reason.text) for r in chosen if int(r.article_id) in shown]


def more_from_story(article: Article, limit: int = 10) -> list[Article]:
    if not article.story_id:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .exclude(pk=article.pk)
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))  # all that mutes look at
        .select_related("source")
        .order_by("-published_at")[:limit]
    )
