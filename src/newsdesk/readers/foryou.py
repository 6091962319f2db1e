"""What a reader follows, matched against stories: the "For you" ranking and the briefing's lift.

A story matches a followed source when one of its articles comes from it, a followed entity when
one of its articles mentions it (`readers.matching.entity_slugs_for`), a followed topic when the
word is in its headline or one of its articles' titles or descriptions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models.functions import Substr
from django.utils import timezone

from newsdesk.articles.models import (
    CARD_LEAD_CHARS,
    FINAL_STAGE,
    LIST_DEFERRED,
    LIST_RELATED,
    MUTE_TEXT_CHARS,
    OLDEST_FIRST,
    Article,
)
from newsdesk.readers.matching import entity_slugs_for
from newsdesk.readers.state import ReaderState
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story
from newsdesk.stories.ranking import candidates, log_score

FOR_YOU_STORIES = 30
# How much each kind of match lifts a story: an entity is the most specific thing one can follow.
WEIGHTS = {"source": 1.0, "entity": 1.5, "topic": 1.0}
MEMBER_FIELDS = (
    "pk",
    "story_id",
    "source_id",
    "title",
    "description",
    "published_at",
    "discovered_at",
)


@dataclass
class StoryView:
    """A story as one reader sees it: its visible articles (muted ones left out) and why it matches."""

    story: Story
    members: list[Article]
    reasons: list[str] = field(default_factory=list)
    weight: float = 0.0

    @property
    def lead(self) -> Article | None:
        originals = [a for a in self.members if a.duplicate_of_id is None]
        return self.story.lead_among(sorted(originals or self.members, key=lambda a: (a.display_time, a.pk)))


def members_of(story_ids: Sequence[int]) -> dict[int, list[Article]]:
    """Finished articles of the stories (light fields only), by story, oldest first."""
    qs = (
        Article.objects.filter(story_id__in=list(story_ids), stage=FINAL_STAGE)
        .only(*MEMBER_FIELDS, "duplicate_of_id")
        .annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))
    )
    out: dict[int, list[Article]] = defaultdict(list)
    for a in qs.order_by(*OLDEST_FIRST):
        out[a.story_id].append(a)
    return out


def _word_re(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def story_views(
    state: ReaderState, stories: Sequence[Story], members: dict[int, list[Article]]
) -> list[StoryView]:
    """The stories the reader may see (mutes applied), each with what it matches of their follows."""
    views = []
    for s in stories:
        own = members.get(s.pk, [])
        if state.story_hidden(s.headline, own):
            continue
        views.append(StoryView(s, state.visible(own)))
    if not state.follows_anything:
        return views
    entity_slugs: dict[int, set[str]] = {}
    if state.followed_entities:
        entity_slugs = entity_slugs_for(a.pk for v in views for a in v.members)
    source_names = (
        dict(Source.objects.filter(pk__in=state.followed_sources).values_list("pk", "title"))
        if state.followed_sources
        else {}
    )
    topics = _word_re(sorted(state.followed_topics))
    for v in views:
        sources = {a.source_id for a in v.members} & state.followed_sources
        for sid in sorted(sources):
            v.reasons.append(f"you follow {source_names.get(sid) or 'this source'}")
            v.weight += WEIGHTS["source"]
        slugs = set().union(*(entity_slugs.get(a.pk, set()) for a in v.members)) if entity_slugs else set()
        for slug in sorted(slugs & state.followed_entities.keys()):
            v.reasons.append(f"you follow {state.followed_entities[slug]}")
            v.weight += WEIGHTS["entity"]
        if topics is not None:
            found = {
                m.group(1).lower()
                for text in [v.story.headline, *(t for a in v.members for t in (a.title, a.description))]
                for m in topics.finditer(text or "")
            }
            for word in sorted(found):
                v.reasons.append(f"you follow the topic {state.followed_topics.get(word, word)}")
                v.weight += WEIGHTS["topic"]
    return views


def for_you(state: ReaderState, now: datetime | None = None, limit: int = FOR_YOU_STORIES) -> list[StoryView]:
    """Stories matching the reader's follows, by coverage and recency lifted by how much they match."""
    if not state.follows_anything:
        return []
    now = now or timezone.now()
    recent = candidates()
    views = [v for v in story_views(state, recent, members_of([s.pk for s in recent])) if v.weight > 0]
    # A story with no dated article has no age to decay: it follows every dated one, by importance.
    views.sort(key=lambda v: (v.story.dated, log_score(v.story, now, v.weight)), reverse=True)
    return views[:limit]


def card_leads(views: Sequence[StoryView]) -> dict[int, Article]:
    """Each view's lead (by story id) as a story card shows it, in one query: the members were loaded
    light, for matching; a card also shows the lead's outlet and icon, its thumbnail and its opening."""
    wanted = {v.story.pk: lead.pk for v in views if (lead := v.lead) is not None}
    loaded = (
        Article.objects.defer(*LIST_DEFERRED)
        .select_related(*LIST_RELATED)
        .annotate(text_lead=Substr("text", 1, CARD_LEAD_CHARS))
        .in_bulk(list(wanted.values()))
    )
    return {story: loaded[pk] for story, pk in wanted.items() if pk in loaded}


def front_cards(
    state: ReaderState, ranked_stories: Sequence[Story], limit: int
) -> list[tuple[Story, Article | None]]:
    """The front page's (story, lead) cards for a reader who mutes things: muted stories skipped,
    each lead an article the reader may see."""
    out: list[tuple[Story, Article | None]] = []
    step = max(limit, 50)
    for start in range(0, len(ranked_stories), step):
        chunk = ranked_stories[start : start + step]
        members = members_of([s.pk for s in chunk])
        views = [
            v for v in story_views(state, chunk, members) if any(a.duplicate_of_id is None for a in v.members)
        ][: limit - len(out)]
        leads = card_leads(views)
        out.extend((v.story, leads.get(v.story.pk)) for v in views)
        if len(out) >= limit:
            break
    return out
