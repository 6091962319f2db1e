"""Put an embedded article into a story (online clustering), serialised across workers.

Candidates come from the ANN index (the article's nearest neighbours); the framework-free
`pipeline.stories.StoryClusterer` decides, on embedding similarity, TF-IDF wording overlap and the
time gap. The decision runs under the named lock `stories`, so two workers never start the same
story twice. The clusterer's term statistics (idf) are a per-process cache seeded from recent
articles: a restarted worker scores the way the old one did, up to the articles it has not seen.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from newsdesk.articles.models import Article, Stage
from newsdesk.articles.vectors import article_index
from newsdesk.pipeline.embeddings import from_blob
from newsdesk.pipeline.stories import ArticleFeatures, StoryClusterer, StoryState
from newsdesk.runtime.coordination import serialised
from newsdesk.runtime.lru import LRU
from newsdesk.stories.models import Story
from newsdesk.stories.ranking import coverage_score
from newsdesk.stories.signals import article_assigned

NEIGHBOURS = 30
MAX_CANDIDATE_STORIES = 8
MAX_MEMBERS_COMPARED = 30
SEED_ARTICLES = 2000
TEXT_CHARS = 4000  # wording overlap reads the lead, not a 10,000-word essay
HEADLINE_MEMBERS = 40  # members the headline is chosen among (the newest)

_lock = threading.Lock()
_clusterer: StoryClusterer | None = None


def features(article: Article, text_chars: int = TEXT_CHARS) -> ArticleFeatures:
    return ArticleFeatures(
        id=str(article.pk),
        title=article.title,
        text=article.text[:text_chars],
        source=str(article.source_id),
        published=article.display_time,
        vector=from_blob(article.embedding),
        near_duplicate_of=str(article.duplicate_of_id) if article.duplicate_of_id else None,
    )


MEMBER_CACHE_SIZE = 20_000
_member_cache: LRU[tuple[int, datetime], ArticleFeatures] = LRU(MEMBER_CACHE_SIZE)


def cached_features(article: Article) -> ArticleFeatures:
    """Features of a story member, kept per process: the same members are compared again and again."""
    key = (article.pk, article.updated_at)
    found = _member_cache.get(key)
    if found is None:
        found = features(article)
        _member_cache.put(key, found)
    return found


def _member_fields() -> list[str]:
    return [
        "pk",
        "title",
        "text",
        "source_id",
        "published_at",
        "discovered_at",
        "embedding",
        "duplicate_of_id",
    ]


def clusterer() -> StoryClusterer:
    """The per-process clusterer, its idf seeded from the most recent clustered articles."""
    global _clusterer
    with _lock:
        if _clusterer is None:
            c = StoryClusterer()
            recent = Article.objects.filter(stage=Stage.CLUSTERED, embedding__isnull=False).order_by("-pk")
            for article in recent.only(*_member_fields())[:SEED_ARTICLES]:
                c.observe(features(article))
            _clusterer = c
        return _clusterer


def reset() -> None:
    global _clusterer
    with _lock:
        _clusterer = None


def _candidate_stories(article: Article, c: StoryClusterer) -> list[StoryState]:
    vector = from_blob(article.embedding)
    hits = article_index(fresh=True).search(vector, NEIGHBOURS)
    neighbour_ids = [pk for pk, _ in hits if pk != article.pk]
    earliest = article.display_time - c.window
    story_ids: list[int] = []
    rows = Article.objects.filter(pk__in=neighbour_ids, story__isnull=False).values_list(
        "pk", "story_id", "published_at", "discovered_at"
    )
    order = {pk: i for i, pk in enumerate(neighbour_ids)}
    for _pk, story_id, published, discovered in sorted(rows, key=lambda r: order[r[0]]):
        if (published or discovered) >= earliest and story_id not in story_ids:
            story_ids.append(story_id)
    if article.duplicate_of_id:
        own = Article.objects.filter(pk=article.duplicate_of_id).values_list("story_id", flat=True).first()
        if own and own not in story_ids:
            story_ids.insert(0, own)
    story_ids = story_ids[:MAX_CANDIDATE_STORIES]
    rows = Story.objects.filter(pk__in=story_ids).values_list("pk", "first_seen", "last_updated")
    spans = {pk: (first, last) for pk, first, last in rows}
    states = []
    for story_id in story_ids:
        members = (
            Article.objects.filter(story_id=story_id, embedding__isnull=False)
            .exclude(pk=article.pk)
            .order_by("-pk")
            .only(*_member_fields())[:MAX_MEMBERS_COMPARED]
        )
        feats = [cached_features(m) for m in members]
        if feats and story_id in spans:  # the row's span: only the newest members are compared
            states.append(StoryState.from_members(str(story_id), feats, span=spans[story_id]))
    return states


def assign(article: Article) -> None:
    """Decide the article's story and store it with the next stage. Idempotent."""
    with serialised("stories"):
        c = clusterer()
        feat = features(article)
        decision = c.assign(feat, _candidate_stories(article, c))
        story = Story.objects.filter(pk=int(decision.story_id)).first() if decision.story_id else None
        created = story is None
        if story is None:
            story = Story.objects.create(
                headline=article.title[:1000],
                first_seen=article.display_time,
                continues_id=int(decision.continues) if decision.continues else None,
            )
        sources_before = story.source_count
        c.observe(feat)
        previous = article.story_id
        article.story = story
        article.story_score = round(decision.score, 4)
        article.story_reason = " · ".join(decision.reasons)[:500]
        article.stage = Stage.CLUSTERED
        article.updated_at = timezone.now()
        article.save()
        refresh_story(story)
        if previous and previous != story.pk:
            old = Story.objects.filter(pk=previous).first()
            if old is not None:
                refresh_story(old)
    # Apps above react (webhooks queue their event check); never inside the lock.
    article_assigned.send(
        sender=assign,
        article_id=article.pk,
        story_id=story.pk,
        created=created,
        sources_before=sources_before,
    )


def refresh_story(story: Story) -> None:
    """Recompute a story's counts, times, headline and importance from its members."""
    members = Article.objects.filter(story=story)
    stats = members.aggregate(
        n=Count("pk"),
        # Outlets are publishers: two feeds of one publisher count once; a feed with no publisher
        # (no host to name one) counts on its own.
        publishers=Count("source__publisher", distinct=True),
        unowned=Count("source", distinct=True, filter=Q(source__publisher__isnull=True)),
        first=Min("published_at"),
        last=Max("published_at"),
        first_found=Min("discovered_at"),
        last_found=Max("discovered_at"),
    )
    if not stats["n"]:
        if story.merged_into_id is None:
            story.delete()
        else:  # kept, empty, so that its page redirects to the story it was merged into
            story.article_count = story.source_count = 0
            story.importance = 0.0
            story.save()
        return
    story.article_count = stats["n"]
    story.source_count = stats["publishers"] + stats["unowned"]
    story.first_seen = stats["first"] or stats["first_found"]
    story.last_updated = stats["last"] or stats["last_found"]
    story.headline = _headline(members) or story.headline
    story.importance = coverage_score(story.source_count, story.article_count)
    story.members_changed_at = timezone.now()  # its panel is re-made once the story settles
    story.save()


def _headline(members) -> str:
    """The title of the member that tells the story's event best (`StoryClusterer.representative`: the
    one closest to the story's centre in meaning and in wording), among the newest originals."""
    rows = (
        members.filter(duplicate_of__isnull=True, embedding__isnull=False)
        .exclude(title="")
        .order_by("-pk")
        .only(*_member_fields())[:HEADLINE_MEMBERS]
    )
    feats = [cached_features(m) for m in rows]
    if not feats:
        return ""
    return clusterer().representative(StoryState.from_members("headline", feats)).title[:1000]
