"""Background tasks for sources (Huey): fetch one feed, and the scheduler that finds due feeds."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk import work
from newsdesk.runtime.coordination import first_in_tick


@db_task(retries=0)
def fetch_source_task(source_id: int) -> None:
    outcome = work.fetch_one_source(source_id)
    if outcome is not None:
        from newsdesk.articles.tasks import advance_article_task

        for article_id in outcome.article_ids:
            advance_article_task(article_id)


@db_periodic_task(crontab(minute="*"))
def schedule_due_sources() -> None:
    """Every minute: queue a fetch for every source whose next fetch time has come (one worker only)."""
    if not first_in_tick("schedule_due_sources"):
        return
    for source_id in work.due_sources().values_list("pk", flat=True):
        fetch_source_task(source_id)
