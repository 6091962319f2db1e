"""Background tasks for stories (Huey): the story panels."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def enrich_stories() -> None:
    """Every minute: panels for stories that are new or changed, so story pages render them at once."""
    from newsdesk.stories.insights import enrich_pending

    enrich_pending()
