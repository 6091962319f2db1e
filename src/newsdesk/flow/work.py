"""What is left to do, read from the database, and the loops that do it.

The database is the only source of truth: the worker's periodic sweep and `newsdesk refresh
--wait` both ask it which sources are due and which articles have not reached the final stage,
so work lost with a killed process is found again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import close_old_connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from newsdesk.articles import insights as article_insights
from newsdesk.articles.models import FINAL_STAGE, Article, Stage
from newsdesk.flow.images import fetch_pending_images
from newsdesk.flow.processing import advance, embed_articles
from newsdesk.flow.refresh import RefreshOutcome, refresh_source
from newsdesk.runtime.coordination import claim, release
from newsdesk.sources.models import Source
from newsdesk.stories import insights as story_insights

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


def due_sources(now=None) -> QuerySet[Source]:
    """Active feeds whose next fetch time has come (single pages and imports are never re-fetched)."""
    now = now or timezone.now()
    return feed_sources().filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))


def feed_sources() -> QuerySet[Source]:
    return Source.objects.filter(active=True, kind=Source.Kind.FEED)


def pending_articles(now=None) -> QuerySet[Article]:
    """Articles not at the final stage whose retry time has come and that no live worker holds."""
    now = now or timezone.now()
    return (
        Article.objects.exclude(stage=FINAL_STAGE)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def waiting_articles(now=None) -> QuerySet[Article]:
    """Articles waiting for a later retry (their page failed and they have no feed text yet)."""
    now = now or timezone.now()
    return Article.objects.exclude(stage=FINAL_STAGE).filter(retry_at__gt=now)


def fetch_one_source(source_id: int) -> RefreshOutcome | None:
    """Refresh one source under a lease, so two workers never fetch the same feed at once."""
    if not claim(Source, source_id, lease=timedelta(minutes=2)):
        return None
    try:
        source = Source.objects.filter(pk=source_id, active=True).first()
        return refresh_source(source) if source else None
    finally:
        release(Source, source_id)


def advance_one(article_id: int, until: str | None = None) -> str:
    """Advance one article; a crash in one article is recorded on it and never stops the others."""
    try:
        return advance(article_id, until=until)
    except Exception:  # one broken article must never stop the others
        log.exception("article %s failed in the pipeline", article_id)
        Article.objects.filter(pk=article_id).update(
            error="an internal error stopped this article; it will be retried",
            retry_at=timezone.now() + timedelta(minutes=10),
        )
        return "error"


def _run_parallel(
    fn: Callable[[int], object], ids: Iterable[int], threads: int, on_done: Callable[[], None]
) -> None:
    """Run fn over ids; threads=1 runs inline (deterministic, and inside a test's transaction)."""
    if threads <= 1:
        for pk in ids:
            fn(pk)
            on_done()
        return

    def run(pk: int) -> object:
        try:
            return fn(pk)
        finally:
            close_old_connections()  # each pool thread has its own connection
            on_done()

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsdesk") as pool:
        for _ in pool.map(run, ids):
            pass


def refresh_sources(source_ids: list[int], *, threads: int = 8, progress: Progress | None = None) -> None:
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("fetching feeds", done, len(source_ids))

    _run_parallel(fetch_one_source, source_ids, threads, tick)


EMBED_BATCH = 64


def embed_pending(progress: Progress | None = None) -> int:
    """Embed, in batches, every due article waiting for its vector (the step that gains most from it)."""
    done = 0
    while True:
        waiting = pending_articles().filter(stage=Stage.DEDUPLICATED).order_by("id")
        ids = list(waiting.values_list("pk", flat=True)[:EMBED_BATCH])
        claimed = [pk for pk in ids if claim(Article, pk)]
        if not claimed:  # nothing left, or all held by another worker
            return done
        try:
            batch = list(Article.objects.filter(pk__in=claimed, stage=Stage.DEDUPLICATED))
            embed_articles(batch)
            done += len(batch)
        finally:
            for pk in claimed:
                release(Article, pk)
        if progress:
            progress("embedding", done, done + waiting.count())


def run_until_idle(
    *, threads: int = 4, progress: Progress | None = None, timeout_s: float | None = None
) -> int:
    """Advance pending articles until none is left that can run now. Returns how many were run."""
    started = time.monotonic()
    total_run = 0
    before_embedding = [Stage.NEW, Stage.FETCHED, Stage.EXTRACTED]
    while True:
        # 1. fetch, extract, deduplicate in parallel threads (network-bound, independent)
        ids = list(
            pending_articles()
            .filter(stage__in=before_embedding)
            .order_by("id")
            .values_list("pk", flat=True)[:500]
        )
        total = pending_articles().count()
        base = total_run

        def tick(base: int = base, total: int = total) -> None:
            nonlocal total_run
            total_run += 1
            if progress:
                progress("processing articles", total_run, base + total)

        _run_parallel(lambda pk: advance_one(pk, until=Stage.DEDUPLICATED), ids, threads, tick)
        # 2. embed in batches; 3. assign stories one by one (serialised anyway)
        embed_pending(progress)
        rest = list(
            pending_articles()
            .exclude(stage__in=before_embedding)
            .order_by("id")
            .values_list("pk", flat=True)[:500]
        )
        _run_parallel(advance_one, rest, 1, lambda: None)
        if not ids and not rest:
            break
        if timeout_s is not None and time.monotonic() - started > timeout_s:
            break
    return total_run


def in_flight_elsewhere(now=None) -> int:
    """Articles another process holds right now (a running worker, or one killed whose lease runs out)."""
    now = now or timezone.now()
    return Article.objects.exclude(stage=FINAL_STAGE).filter(claimed_until__gte=now).count()


def wait_until_idle(*, threads: int = 4, progress: Progress | None = None, poll_s: float = 0.5) -> int:
    """Run pending work here and wait for work held elsewhere, until nothing can run now; then fetch
    the lead images and publisher icons found on the way."""
    total = 0
    while True:
        total += run_until_idle(threads=threads, progress=progress)
        if not in_flight_elsewhere():
            if not pending_articles().exists():
                break
            continue
        time.sleep(poll_s)
    images = fetch_pending_images()
    if progress and images:
        progress("fetching images", images, images)
    return total


def make_panels(budget_s: float = 50.0) -> int:
    """The worker's AI-panel tick: the article backlog for up to ``budget_s``; with time left and the
    backlog empty, sentence vectors for stored panels. Returns how many articles left the backlog."""
    started = time.monotonic()
    done = article_insights.make_pending_panels(budget_s)
    left = budget_s - (time.monotonic() - started)
    if left > 0 and not article_insights.backlog().exists():
        article_insights.add_pending_vectors(left)
    return done


def panels_until_idle(*, timeout_s: float = 600.0, poll_s: float = 1.0) -> bool:
    """Run the worker's panel ticks (articles, then stories) until every finished article has left the
    backlog and every story whose members changed has its panel; waits out the stories' debounce.
    True when all were made within ``timeout_s``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        left = timeout_s - (time.monotonic() - started)
        make_panels(budget_s=min(50.0, left))
        story_insights.enrich_pending(budget_s=min(50.0, max(0.0, timeout_s - (time.monotonic() - started))))
        if not article_insights.backlog().exists() and not story_insights.pending():
            if not story_insights.stale().exists():
                return True
            time.sleep(poll_s)  # stories still settling (debounce)
    return False
