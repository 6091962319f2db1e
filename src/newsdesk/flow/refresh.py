"""Fetch one source politely, parse it, and record what happened in plain words."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.flow.ingest import Outcome, upsert_entries
from newsdesk.pipeline.feeds import FeedError, ParsedFeed, parse_feed
from newsdesk.pipeline.fetch import FetchError, FetchResult
from newsdesk.pipeline.schedule import backoff_delay, parse_cache_max_age, refresh_interval
from newsdesk.runtime.fetcher import get_fetcher
from newsdesk.runtime.instruments import FETCHES
from newsdesk.sources.models import FetchAttempt, Source

log = logging.getLogger(__name__)
KEEP_ATTEMPTS = 20


@dataclass
class RefreshOutcome:
    source_id: int
    ok: bool
    message: str
    new: int = 0
    updated: int = 0
    article_ids: list[int] = field(default_factory=list)


def refresh_source(source: Source) -> RefreshOutcome:
    """Fetch and ingest one feed. Never raises for a bad feed: the failure is stored on the source."""
    started = time.monotonic()
    now = timezone.now()
    try:
        result = get_fetcher().fetch(
            source.url, etag=source.etag or None, last_modified=source.last_modified or None
        )
        if result.not_modified:
            outcome = RefreshOutcome(source.pk, True, "not modified since the last fetch")
            _record_success(source, now, result, None, outcome)
        else:
            parsed = parse_feed(result.body, url=result.url, content_type=result.content_type)
            outcome = ingest_parsed(source, parsed)
            _record_success(source, now, result, parsed, outcome)
    except FetchError as exc:
        outcome = RefreshOutcome(source.pk, False, exc.message)
        _record_failure(source, now, exc.kind, exc.message, exc.status, exc.retry_after_s)
    except FeedError as exc:
        outcome = RefreshOutcome(source.pk, False, str(exc))
        _record_failure(source, now, "not_a_feed", str(exc), None, None)
    FetchAttempt.objects.create(
        source=source,
        started_at=now,
        duration_ms=int((time.monotonic() - started) * 1000),
        ok=outcome.ok,
        status=source.last_status,
        error_kind="" if outcome.ok else source.last_error_kind,
        message=outcome.message,
        new_entries=outcome.new,
        updated_entries=outcome.updated,
    )
    _prune_attempts(source)
    FETCHES.labels("ok" if outcome.ok else source.last_error_kind or "error").inc()
    log.info("source %s (%s): %s", source.pk, source.url, outcome.message)
    return outcome


def ingest_parsed(
    source: Source, parsed: ParsedFeed, raw_page_keys: dict[str, str] | None = None
) -> RefreshOutcome:
    """Upsert every entry of a parsed feed; fill in the source's title and site from the feed."""
    outcome = RefreshOutcome(source.pk, True, "")
    for res in upsert_entries(source, list(parsed.entries), raw_page_keys):
        if res.outcome is Outcome.NEW:
            outcome.new += 1
            outcome.article_ids.append(res.article_id)
        elif res.outcome is Outcome.UPDATED:
            outcome.updated += 1
            outcome.article_ids.append(res.article_id)
    changed = []
    for name, value in (
        ("title", parsed.title),
        ("site_url", parsed.site_url),
        ("language", parsed.language),
    ):
        if value and not getattr(source, name):
            setattr(source, name, value[:500])
            changed.append(name)
    if parsed.description and not source.description:
        source.description = parsed.description[:2000]
        changed.append("description")
    source.entries_seen = max(source.entries_seen, len(parsed.entries))
    source.ttl_minutes = parsed.ttl_minutes
    source.last_warning = "; ".join(parsed.warnings)[:2000]
    source.save(update_fields=[*changed, "entries_seen", "ttl_minutes", "last_warning"])
    outcome.message = f"{len(parsed.entries)} entries, {outcome.new} new, {outcome.updated} updated"
    return outcome


def _entry_times(source: Source) -> list[datetime]:
    since = timezone.now() - timedelta(days=7)
    return list(source.articles.filter(published_at__gte=since).values_list("published_at", flat=True)[:500])


def _record_success(
    source: Source, now: datetime, result: FetchResult, parsed: ParsedFeed | None, outcome: RefreshOutcome
) -> None:
    interval = refresh_interval(
        _entry_times(source),
        now=now,
        ttl_minutes=source.ttl_minutes,
        cache_max_age_s=parse_cache_max_age(result.headers),
    )
    source.etag = (
        (result.etag or source.etag or "")[:500] if result.not_modified else (result.etag or "")[:500]
    )
    source.last_modified = (
        (result.last_modified or source.last_modified or "")[:100]
        if result.not_modified
        else (result.last_modified or "")[:100]
    )
    source.last_fetch_at = now
    source.last_success_at = now
    source.last_status = result.status
    source.consecutive_failures = 0
    source.last_error_kind = ""
    source.last_error = ""
    source.refresh_interval_s = int(interval.total_seconds())
    source.next_fetch_at = now + interval
    source.save()


def _record_failure(
    source: Source, now: datetime, kind: str, message: str, status: int | None, retry_after_s: float | None
) -> None:
    source.consecutive_failures += 1
    delay = backoff_delay(source.consecutive_failures)
    if retry_after_s:
        delay = max(delay, min(retry_after_s, 86400.0))
    source.last_fetch_at = now
    source.last_status = status
    source.last_error_kind = kind
    source.last_error = message
    source.next_fetch_at = now + timedelta(seconds=delay)
    source.save()


def _prune_attempts(source: Source) -> None:
    keep = list(source.attempts.values_list("pk", flat=True)[:KEEP_ATTEMPTS])
    if len(keep) == KEEP_ATTEMPTS:
        source.attempts.exclude(pk__in=keep).delete()
