"""Background tasks for stories (Huey): the periodic merge/split repair pass and the story panels."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from newsdesk.stories.insights import enrich_pending
from newsdesk.stories.recluster import merge_and_split_stories


@db_periodic_task(crontab(minute="*/15"))
def repair_stories() -> None:
    """Every 15 minutes: merge stories that grew together, split off articles that drifted away.

    Runs under the `stories` database lock (as online assignment does), so two workers' passes, or a
    pass and an assignment, run one after the other; a second pass over the same stories changes nothing.
    """
    merge_and_split_stories()


@db_periodic_task(crontab(minute="*"))
def enrich_stories() -> None:
    """Every minute: panels for stories that are new or changed, so story pages render them at once."""
    enrich_pending()
