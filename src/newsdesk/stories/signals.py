"""What the stories app tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after an article joined a story, outside the `stories` lock. Arguments: article_id,
# story_id, created (the story is new), sources_before (its outlets before this article).
article_assigned = Signal()
