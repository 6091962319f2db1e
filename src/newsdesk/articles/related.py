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

CANDIDATES = 60
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
    t = article.display_time
    pool = (
        Article.objects.filter(pk__in=ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .exclude(source=article.source)
        .select_related("source")
    )
    if article.story_id:
        pool = pool.exclude(story_id=article.story_id)
    copies = {article.duplicate_of_id, *article.copies.values_list("pk", flat=True)}
    by_id = {
        str(a.pk): a
        for a in pool
        if a.pk not in copies and a.embedding is not None and abs(a.display_time - t) <= WINDOW
    }
    chosen = related_articles(features(article), [features(a) for a in by_id.values()], k=k)
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
