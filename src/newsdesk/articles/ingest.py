"""Feed entries in, article rows out: identity, syndication sightings and update detection.

An entry is the same article when (a) its source already has that GUID, or (b) any article has
its canonical URL (a second feed carrying the same link). Importing a feed twice therefore changes
nothing, and an edited entry is detected by its content hash and sent through the pipeline again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import xxhash
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.articles.models import Article, Sighting, Stage
from newsdesk.pipeline.feeds import FeedEntry
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url, strip_tracking
from newsdesk.sources.models import Source


class Outcome(enum.Enum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SIGHTING = "sighting"


@dataclass(frozen=True)
class EntryResult:
    outcome: Outcome
    article_id: int


def entry_hash(entry: FeedEntry) -> str:
    h = xxhash.xxh3_128()
    for part in (entry.title, entry.url, entry.summary_html, entry.content_html):
        h.update(part.encode("utf-8", "replace"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def _link(entry: FeedEntry) -> tuple[str, str]:
    """(link to show, canonical identity) — both '' when the entry has no usable http(s) link."""
    if not entry.url:
        return "", ""
    try:
        return strip_tracking(entry.url), canonicalize_url(entry.url)
    except InvalidURL:
        return "", ""


def _apply(article: Article, entry: FeedEntry, url: str, canonical: str, digest: str) -> None:
    article.title = entry.title[:1000]
    article.author = entry.author[:500]
    article.url = url[:2000]
    article.canonical_url = canonical[:2000]
    article.feed_summary = entry.summary_html
    article.feed_content = entry.content_html
    article.lead_image_url = entry.image_url[:2000]
    article.entry_hash = digest
    if entry.published or entry.updated:
        article.published_at = entry.published or entry.updated


def upsert_entry(source: Source, entry: FeedEntry, *, raw_page_key: str = "") -> EntryResult:
    """Create or update the article for one feed entry. Idempotent."""
    url, canonical = _link(entry)
    digest = entry_hash(entry)
    guid = entry.guid[:2000]

    existing = Article.objects.filter(source=source, guid=guid).first()
    if existing is None:
        sighting = Sighting.objects.filter(source=source, guid=guid).select_related("article").first()
        if sighting is not None:
            return EntryResult(Outcome.UNCHANGED, sighting.article_id)
    if existing is None and canonical:
        other = Article.objects.filter(canonical_url=canonical).first()
        if other is not None:
            _record_sighting(other, source, guid)
            return EntryResult(Outcome.SIGHTING, other.pk)

    if existing is not None:
        if existing.entry_hash == digest:
            return EntryResult(Outcome.UNCHANGED, existing.pk)
        _apply(existing, entry, url, canonical, digest)
        existing.updated_at = timezone.now()
        existing.stage = Stage.FETCHED if raw_page_key or not existing.url else Stage.NEW
        if raw_page_key:
            existing.raw_page_key = raw_page_key
        existing.error, existing.attempts, existing.retry_at = "", 0, None
        try:
            with transaction.atomic():
                existing.save()
        except IntegrityError:  # the edited link now belongs to another article
            existing.canonical_url = ""
            existing.save()
        return EntryResult(Outcome.UPDATED, existing.pk)

    article = Article(source=source, guid=guid, raw_page_key=raw_page_key)
    _apply(article, entry, url, canonical, digest)
    article.stage = Stage.FETCHED if raw_page_key else Stage.NEW
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another worker created it between our look-up and our insert: use theirs.
        winner = (
            Article.objects.filter(source=source, guid=guid).first()
            or Article.objects.filter(canonical_url=canonical).first()
        )
        if winner is None:
            raise
        if winner.source_id != source.pk or winner.guid != guid:
            _record_sighting(winner, source, guid)
            return EntryResult(Outcome.SIGHTING, winner.pk)
        return EntryResult(Outcome.UNCHANGED, winner.pk)
    return EntryResult(Outcome.NEW, article.pk)


def _record_sighting(article: Article, source: Source, guid: str) -> None:
    try:
        with transaction.atomic():
            Sighting.objects.get_or_create(source=source, guid=guid, defaults={"article": article})
    except IntegrityError:
        pass
