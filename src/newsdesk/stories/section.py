"""A section's top stories: the front page's ranking over the stories its sources cover."""

from __future__ import annotations

from newsdesk.stories.models import Story
from newsdesk.stories.ranking import FRONT_CANDIDATES, ranked


def section_stories(source_ids: list[int], limit: int = 30) -> list[Story]:
    """Stories with at least one article from these sources, most important first (same rule as
    the front page: coverage decayed by age)."""
    if not source_ids:
        return []
    recent = (
        Story.objects.filter(
            article_count__gt=0, merged_into__isnull=True, articles__source_id__in=source_ids
        )
        .distinct()
        .order_by("-last_updated")[:FRONT_CANDIDATES]
    )
    return ranked(list(recent))[:limit]
