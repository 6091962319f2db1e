"""Related coverage for an article page: other outlets' articles from other stories, with reasons,
and "more from this story"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.articles.vectors import article_index
from newsdesk.pipeline.embeddings import from_blob
from newsdesk.pipeline.stories import related_articles
from newsdesk.stories.assign import features

CANDIDATES = 40
LEAD_CHARS = 600  # reasons name shared entities of the title and lead; the rest only costs time
WINDOW = timedelta(days=14)


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
        .defer("content_html", "feed_content", "feed_summary", "minhash")
        .exclude(source=article.source)
        .select_related("source")
    )
    if article.story_id:
        pool = pool.exclude(story_id=article.story_id)
    copies = {article.duplicate_of_id, *article.copies.values_list("pk", flat=True)}
    eligible = [
        a
        for a in pool
        if a.pk not in copies and a.embedding is not None and abs(a.display_time - t) <= WINDOW
    ]
    # Reasons cost a few milliseconds each: only the nearest few can make the list anyway.
    eligible.sort(key=lambda a: rank[a.pk])
    by_id = {str(a.pk): a for a in eligible[: 3 * k]}
    chosen = related_articles(
        features(article, LEAD_CHARS), [features(a, LEAD_CHARS) for a in by_id.values()], k=k
    )
    return [Related(by_id[r.article_id], r.reason.text) for r in chosen]


def more_from_story(article: Article, limit: int = 10) -> list[Article]:
    if not article.story_id:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .exclude(pk=article.pk)
        .select_related("source")
        .order_by("-published_at")[:limit]
    )
