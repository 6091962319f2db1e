"""Related coverage for an article page: other outlets' articles from other stories, with reasons,
and "more from this story"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models.functions import Substr

from newsdesk.articles.models import FINAL_STAGE, Article
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


def _features(article: Article) -> ArticleFeatures:
    names = article.lead_entities
    if names is None:  # embedded before names were stored
        names = lead_entities(article.title, getattr(article, "lead", None) or article.text)
    return ArticleFeatures(
        id=str(article.pk),
        title=article.title,
        text="",  # reasons need only the names, vector and time
        source=str(article.source_id),
        published=article.display_time,
        vector=from_blob(article.embedding),
        entities=frozenset(names),
    )


@dataclass(frozen=True)
class Related:
    article: Article
    reason: str


def related_for(article: Article, k: int = 5) -> list[Related]:
    """Articles from other stories and other outlets, most related first, never a copy of this one."""
    if article.embedding is None:
        return []
    hits = article_index().search(from_blob(article.embedding), CANDIDATES)
    ids = [pk for pk, _ in hits if pk != article.pk]
    rank = {pk: i for i, pk in enumerate(ids)}
    t = article.display_time
    pool = (
        Article.objects.filter(pk__in=ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .defer("content_html", "feed_content", "feed_summary", "minhash", "text")
        .annotate(lead=Substr("text", 1, LEAD_CHARS))  # for rows embedded before names were stored
        .exclude(source=article.source)
        .select_related("source")
    )
    if article.story_id:
        pool = pool.exclude(story_id=article.story_id)
    copies = {article.duplicate_of_id, *article.copies.order_by().values_list("pk", flat=True)}
    eligible = [
        a
        for a in pool
        if a.pk not in copies and a.embedding is not None and abs(a.display_time - t) <= WINDOW
    ]
    # Only the nearest few can make the list anyway.
    eligible.sort(key=lambda a: rank[a.pk])
    by_id = {str(a.pk): a for a in eligible[: 3 * k]}
    chosen = related_articles(_features(article), [_features(a) for a in by_id.values()], k=k)
    return [Related(by_id[r.article_id], r.reason.text) for r in chosen]


def more_from_story(article: Article, limit: int = 10) -> list[Article]:
    if not article.story_id:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .exclude(pk=article.pk)
        .defer("content_html", "feed_content", "feed_summary", "minhash", "text", "embedding")
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))  # all that mutes look at
        .select_related("source")
        .order_by("-published_at")[:limit]
    )
