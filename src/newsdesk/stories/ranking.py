"""The front page's ranking, one rule for the site, the API, the feeds and the briefing.

A story's importance is its coverage (distinct outlets first, extra articles a little), stored on
the row when its members change; the ranking decays it by the age of the story's newest article.
"""

from __future__ import annotations

import math

from django.utils import timezone

from newsdesk.stories.models import Story

FRONT_CANDIDATES = 500  # the most recently updated stories the ranking chooses from
HALF_LIFE_HOURS = 18.0


def coverage_score(sources: int, articles: int) -> float:
    """How widely a story is covered: distinct outlets count most, extra articles a little."""
    return sources + 0.5 * math.log1p(max(0, articles - sources))


def ranked(stories, now=None, half_life_hours: float = HALF_LIFE_HOURS) -> list[Story]:
    """Stories by importance now: coverage, decayed by the age of their newest article."""
    now = now or timezone.now()

    def score(s: Story) -> float:
        age_h = max(0.0, (now - s.last_updated).total_seconds() / 3600)
        return s.importance * 0.5 ** (age_h / half_life_hours)

    return sorted(stories, key=score, reverse=True)


def front_ranking() -> list[Story]:
    """The front page's candidates, most important first (a muting reader's page skips some)."""
    recent = Story.objects.filter(article_count__gt=0).order_by("-last_updated")[:FRONT_CANDIDATES]
    return ranked(list(recent))


def front_stories(limit: int = 30) -> list[Story]:
    """The front page's stories, most important first (the site, the API and the front-page feed)."""
    return front_ranking()[:limit]
