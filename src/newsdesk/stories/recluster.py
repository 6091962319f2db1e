"""The periodic repair pass: merge stories that grew together, split articles that drifted away.

Online assignment decides each article once, on what it could see then; an early report may have been
too thin to attract the next one, or a story may have moved on without one of its first members. The
framework-free `StoryClusterer.merge_and_split` decides the repairs over the most recently active
stories; this module persists them under the same `stories` lock as online assignment, so the two
never interleave. An absorbed story is kept, empty, with `merged_into` set: its page redirects to the
surviving story. Idempotent: a second pass over unchanged stories changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.pipeline.stories import StoryClusterer, StoryState
from newsdesk.runtime import pagechanges
from newsdesk.runtime.coordination import serialised
from newsdesk.stories.assign import _member_fields, cached_features, clusterer, refresh_story
from newsdesk.stories.models import Story

logger = logging.getLogger(__name__)

ACTIVE_STORIES = 300  # the most recently updated stories: where online mistakes are fresh and fixable
# Members read per story (the newest): enough for the split to see a topic-sized story's events (the
# pairwise margins of 60 members take well under a second); a merge still moves every article.
MAX_MEMBERS = 60


@dataclass
class ReclusterReport:
    stories_seen: int = 0
    merged: list[tuple[int, int]] = field(default_factory=list)  # (surviving story, absorbed story)
    split: list[tuple[int, int, int]] = field(default_factory=list)  # (article, from story, to story)


def _states(stories: list[Story]) -> list[StoryState]:
    states = []
    for story in stories:
        members = (
            Article.objects.filter(story=story, embedding__isnull=False)
            .order_by("-pk")
            .only(*_member_fields())[:MAX_MEMBERS]
        )
        feats = [cached_features(m) for m in members]
        if feats:
            span = (story.first_seen, story.last_updated)  # the whole story's, not just the members read
            states.append(StoryState.from_members(str(story.pk), feats, span=span))
    return states


def merge_and_split_stories(limit: int = ACTIVE_STORIES) -> ReclusterReport:
    """Run the repair pass over the `limit` most recently updated stories and store what it decided."""
    report = ReclusterReport()
    # Decide outside the lock (scoring takes a while; on SQLite the lock stops every writer), then
    # store under it only if the stories involved still have the members the decision saw.
    active = list(
        Story.objects.filter(article_count__gt=0, merged_into__isnull=True).order_by("-last_updated", "-pk")[
            :limit
        ]
    )
    states = _states(active)
    report.stories_seen = len(states)
    seen = {int(s.id): [int(i) for i in s.member_ids] for s in states}  # the pass grows these states
    # A private copy of the shared clusterer's term statistics: workers assigning articles meanwhile
    # change those, and this pass must score every story with the same idf.
    judge = StoryClusterer()
    judge.restore_statistics(*clusterer().term_statistics())
    result = judge.merge_and_split(states)
    if not result.merged and not result.split:
        return report
    # Stored stories only: ids that are not numbers are stories the split has just started.
    involved = {int(i) for pair in result.merged for i in pair if i.isdigit()}
    involved |= {int(old) for _, old, _ in result.split}
    with serialised("stories"):
        for story_id in sorted(involved):
            now_members = list(
                Article.objects.filter(story_id=story_id, embedding__isnull=False)
                .order_by("-pk")
                .values_list("pk", flat=True)[:MAX_MEMBERS]
            )
            if now_members != seen.get(story_id):
                logger.info("story repair pass skipped: story %s changed meanwhile", story_id)
                return ReclusterReport(stories_seen=report.stories_seen)
        existing = {str(s.pk): s for s in active}
        final: dict[str, Story] = {}
        for state in result.stories:
            story = existing.get(state.id)
            if story is None:  # a story the split started
                first = min(state.members, key=lambda m: (m.published, m.id))
                story = Story.objects.create(headline=first.title[:1000], first_seen=first.published)
            final[state.id] = story
        now = timezone.now()
        touched: dict[int, Story] = {}
        split_from = {article: old for article, old, _ in result.split}
        for state in result.stories:
            story = final[state.id]
            touched[story.pk] = story
            for member in state.members:
                article_id = int(member.id)
                old = split_from.get(member.id)
                reason = f"split from story {old}: a different event from its other articles" if old else None
                moved = Article.objects.filter(pk=article_id).exclude(story=story)
                if reason:
                    moved.update(story=story, story_reason=reason[:500], updated_at=now)
                    report.split.append((article_id, int(old), story.pk))
                else:
                    moved.update(story=story, updated_at=now)
        for kept_id, absorbed_id in result.merged:
            absorbed = existing.get(absorbed_id)
            if absorbed is None:  # a story the split had just started: nothing stored to redirect
                continue
            kept = final[kept_id]  # the absorbing story is never absorbed later in the same pass
            # Members beyond MAX_MEMBERS were not read; they follow their story.
            Article.objects.filter(story=absorbed).update(story=kept, updated_at=now)
            Story.objects.filter(pk=absorbed.pk).update(merged_into=kept)
            Story.objects.filter(merged_into=absorbed).update(merged_into=kept)  # no redirect chains
            absorbed.merged_into = kept
            report.merged.append((kept.pk, absorbed.pk))
            touched[absorbed.pk] = absorbed
        for story in touched.values():
            refresh_story(story)
        # Their pages, and the pages of the articles that moved (tagged with the stories they were in).
        pagechanges.changed(*(pagechanges.story(pk) for pk in touched), pagechanges.FRONT)
    logger.info(
        "story repair pass: %d stories, %d merged, %d articles split",
        report.stories_seen,
        len(report.merged),
        len(report.split),
    )
    return report


def surviving(story: Story, hops: int = 10) -> Story:
    """The story a merged story now lives on in (itself when it was never merged)."""
    while story.merged_into_id is not None and hops > 0:
        nxt = Story.objects.filter(pk=story.merged_into_id).first()
        if nxt is None:
            break
        story, hops = nxt, hops - 1
    return story
