"""Background tasks (Huey) that move work across the apps: fetch one feed, advance one article, the
scheduler that finds due feeds, the sweep that re-finds lost work, AI panels, upkeep and the
worker's heartbeat. (An app's own queue stays with it: stories, readers' briefings, webhooks.)"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from newsdesk.articles import vectors
from newsdesk.flow import additions, work
from newsdesk.flow.images import fetch_pending_images
from newsdesk.runtime import health, pagechanges
from newsdesk.runtime.coordination import first_in_tick


@db_task(retries=0)
def add_source_task(addition_id: int) -> None:
    """Look into a URL someone asked to add or to preview (the API answers 202 and the staff's form a
    status page at once; this does the fetches). A new feed's first fetch is queued at once."""
    addition = additions.run_addition(addition_id)
    if addition is not None and addition.status == addition.Status.ADDED and addition.how != "article":
        fetch_source_task(addition.source_id)


@db_task(retries=0)
def fetch_source_task(source_id: int) -> None:
    outcome = work.fetch_one_source(source_id)
    if outcome is not None:
        for article_id in outcome.article_ids:
            advance_article_task(article_id)
    for addition_id in additions.lost_additions():  # a source addition or preview, as above
        add_source_task(addition_id)


@db_periodic_task(crontab(minute="*"))
def schedule_due_sources() -> None:
    """Every minute: queue a fetch for every source whose next fetch time has come (one worker only)."""
    if not first_in_tick("schedule_due_sources"):
        return
    for source_id in work.due_sources().values_list("pk", flat=True):
        fetch_source_task(source_id)


@db_task(retries=0)
def advance_article_task(article_id: int) -> None:
    work.advance_one(article_id)


@db_periodic_task(crontab(minute="*"))
def sweep_pending_articles() -> None:
    """Every minute: queue every article that is not finished, is due and no live worker holds.

    This is what makes a killed worker lose nothing: its queued tasks may be gone, but the
    articles' stages are in the database. A task queued twice is harmless (leases, idempotent steps).
    """
    if not first_in_tick("sweep_pending_articles"):
        return  # another worker swept in this minute
    stale = timezone.now() - timedelta(seconds=settings.NEWSDESK_SWEEP_STALE_S)  # newer: still queued
    for article_id in (
        work.pending_articles().filter(updated_at__lt=stale).values_list("pk", flat=True)[:5000]
    ):
        advance_article_task(article_id)


@db_periodic_task(crontab(minute="*"))
def enrich_articles() -> None:
    """Every minute, in every worker: up to 50 s of the AI-panel backlog (leases share it out); once it
    is empty, sentence vectors for stored panels."""
    work.make_panels(budget_s=50.0)


@db_periodic_task(crontab(minute="*"))
def fetch_images() -> None:
    """Every minute: fetch and store pending lead images and publisher icons (never on a request)."""
    if not first_in_tick("fetch_images"):
        return
    fetch_pending_images(budget_s=50)


@db_periodic_task(crontab(minute="7"))
def analyze_database() -> None:
    """Hourly on SQLite: refresh the planner's statistics (PostgreSQL's autovacuum does this itself).

    Without them SQLite takes `stage = 'clustered'` for selective and scans every article for the
    front page's leads: 1.6 s at 100k articles, 1 ms after ANALYZE (benchmarks.load).
    """
    if connection.vendor == "sqlite" and first_in_tick("analyze_database", period_s=3600):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@db_periodic_task(crontab(minute="37"))
def snapshot_vector_index() -> None:
    """Hourly, in every worker: save this process's vector index for the next process on its machine
    (each machine keeps its own snapshot, so this is not once per tick across workers)."""
    vectors.save_snapshot()


@db_periodic_task(crontab(minute="17"))
def prune_page_changes() -> None:
    """Hourly: the page change log keeps its last hour (pages cached longer are never kept)."""
    if first_in_tick("prune_page_changes", period_s=3600):
        pagechanges.prune()


@db_periodic_task(crontab(minute="23"))
def prune_source_previews() -> None:
    """Hourly, one worker: staff previews of sources are kept a day for their status pages."""
    if first_in_tick("prune_source_previews", period_s=3600):
        additions.prune_previews()


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    health.beat()


@on_startup()
def heartbeat_at_start() -> None:
    close_old_connections()
    health.beat()
