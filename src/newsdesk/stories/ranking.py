"""The front page's ranking, one rule for the site, the API, the feeds and the briefing.

A story's importance is its coverage (distinct outlets first, extra articles a little), stored on
the row when its members change; the ranking decays it by the age of the story's newest article.
A story none of whose articles has a known publish time (an undated import) has no age: it never
takes a dated story's place among the candidates nor in the ranking.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.stories.models import Story, with_dates

FRONT_CANDIDATES = 500  # the most recently updated stories the ranking chooses from
HALF_LIFE_HOURS = 18.0


def coverage_score(sources: int, articles: int) -> float:
    """How widely a story is covered: distinct outlets count most, extra articles a little."""
    return sources + 0.5 * math.log1p(max(0, articles - sources))


def log_score(
    story: Story, now: datetime, weight: float = 0.0, half_life_hours: float = HALF_LIFE_HOURS
) -> float:
    """log(importance × (1 + weight)) less the decay of its newest article's age: the ranking's score,
    in log space so that an archive of old stories still ranks by coverage (0.5 ** (age / 18 h)
    underflows to 0 for every story after about two years). `weight` lifts what a reader follows."""
    age_h = max(0.0, (now - story.last_updated).total_seconds() / 3600)
    decay = age_h / half_life_hours * math.log(2)
    return math.log(max(story.importance, 1e-6)) + math.log1p(weight) - decay


def ranked(stories, now=None, half_life_hours: float = HALF_LIFE_HOURS) -> list[Story]:
    """Stories by importance now: coverage, decayed by the age of their newest article. A story with
    no dated article has no age (its times are only when it was found): no freshness, so it comes
    after every dated story, by coverage alone."""
    now = now or timezone.now()

    def score(s: Story) -> tuple[bool, float]:
        if not s.dated:
            return False, s.importance
        return True, log_score(s, now, half_life_hours=half_life_hours)

    return sorted(with_dates(list(stories)), key=score, reverse=True)


def candidates(limit: int = FRONT_CANDIDATES) -> list[Story]:
    """The ``limit`` most recently updated stories with a dated article; stories with none fill what is
    left, widest first. Their last_updated is only when they were found (an import of thousands of
    undated rows is all "just now"), so they must not push every dated story out."""
    live = Story.objects.filter(article_count__gt=0)
    has_date = Exists(Article.objects.filter(story=OuterRef("pk"), published_at__isnull=False))
    dated = list(live.filter(has_date).order_by("-last_updated")[:limit])
    undated = (
        list(live.filter(~has_date).order_by("-importance", "-pk")[: limit - len(dated)])
        if len(dated) < limit
        else []
    )
    for s in dated:
        s.__dict__["dated"] = True  # Story.dated, known from the query
    for s in undated:
        s.__dict__["dated"] = False
    return dated + undated


def front_ranking() -> list[Story]:
    """The front page's candidates, most important first (a muting reader's page skips some)."""
    return ranked(candidates())


def front_stories(limit: int = 30) -> list[Story]:
    """The front page's stories, most important first (the site, the API and the front-page feed)."""
    return front_ranking()[:limit]
