"""Cached pages that show a story are out of date when it gains an article or its panel is stored
(connected in ready; the repair pass tells its own merges and splits, stories/recluster.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from newsdesk.runtime import pagechanges
from newsdesk.stories.models import StoryInsight
from newsdesk.stories.signals import article_assigned


@receiver(article_assigned)
def story_grew(sender: Any, article_id: int, story_id: int, **kwargs: Any) -> None:
    pagechanges.changed(pagechanges.story(story_id), pagechanges.article(article_id), pagechanges.FRONT)


@receiver(post_save, sender=StoryInsight)
def story_panel_stored(sender: Any, instance: StoryInsight, **kwargs: Any) -> None:
    pagechanges.changed(pagechanges.story(instance.story_id))
