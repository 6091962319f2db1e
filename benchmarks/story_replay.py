"""Story clustering over a fixed list of articles, replayed as the live pipeline would run it.

The benchmark (benchmarks/stories.py) and the clusterer's tests feed a whole data set through
`StoryClusterer` with this: production does the same steps one article at a time, from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsdesk.pipeline.stories import ArticleFeatures, StoryClusterer, StoryError, StoryState
from newsdesk.pipeline.vectorindex import VectorIndex

__all__ = ["cluster_offline"]


def cluster_offline(
    articles: Iterable[ArticleFeatures],
    clusterer: StoryClusterer | None = None,
    *,
    candidates_k: int = 20,
    repair: bool = True,
) -> dict[str, str]:
    """Cluster articles as the live pipeline would (publish order, one at a time); article id → story id.

    Candidates are the stories of the `candidates_k` nearest earlier articles inside the time window (a
    `VectorIndex`, as in production) plus the story of a near-duplicate's original. With `repair`, one
    `merge_and_split` pass runs at the end, as the periodic task would.
    """
    clusterer = clusterer or StoryClusterer()
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    if len({a.id for a in ordered}) != len(ordered):
        raise StoryError("article ids must be unique")
    index: VectorIndex | None = None
    stories: dict[str, StoryState] = {}
    story_of: dict[str, str] = {}
    published: list[datetime] = []
    for n, article in enumerate(ordered):
        if index is None:
            index = VectorIndex(article.vector.shape[0])
        earliest = article.published - clusterer.window
        hits = index.search(article.vector, candidates_k, allowed=lambda i, e=earliest: published[i] >= e)
        candidate_ids = {story_of[ordered[i].id] for i, _ in hits}
        if article.near_duplicate_of in story_of:
            candidate_ids.add(story_of[article.near_duplicate_of])
        decision = clusterer.assign(article, [stories[s] for s in sorted(candidate_ids)])
        story = clusterer.add(article, stories.get(decision.story_id) if decision.story_id else None)
        stories[story.id] = story
        story_of[article.id] = story.id
        published.append(article.published)
        index.add([n], article.vector[None, :])
    if repair:
        result = clusterer.merge_and_split(list(stories.values()))
        story_of = {m.id: s.id for s in result.stories for m in s.members}
    return story_of
