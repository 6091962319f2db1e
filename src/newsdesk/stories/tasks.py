"""Background tasks for stories (Huey): the periodic merge/split repair pass and the story panels."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.runtime.coordination import first_in_tick
from newsdesk.stories.insights import enrich_pending, rewrite_answer_of
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
    """Every minute, in one worker: panels for every story whose members changed and settled (up to 50 s
    of work a minute, so a tick never overlaps the next)."""
    if first_in_tick("enrich_stories"):
        enrich_pending(budget_s=50.0)


@db_task(retries=0)
def rewrite_answer_task(story_id: int, question: str) -> None:
    """A reader's question on a story page, rewritten by the LLM off the page thread (it may take
    NEWSDESK_LLM_TIMEOUT seconds); the page shows the extractive answer meanwhile."""
    rewrite_answer_of(story_id, question)
