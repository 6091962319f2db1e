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
from newsdesk.flow.images import image_ids_for
from newsdesk.flow.publishers import ensure_publisher
from newsdesk.pipeline.feeds import FeedEntry
from newsdesk.pipeline.sanitize import clean_article_html, without_link_trail
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


def page_entry(url: str) -> FeedEntry:
    """The entry for a page added on its own (no feed): identity from its URL, text from the page."""
    is_web = url.startswith(("http://", "https://"))
    try:
        guid = canonicalize_url(url) if is_web else url
    except InvalidURL:
        guid = url
    return FeedEntry(
        guid=guid,
        url=url if is_web else "",
        title="",
        author="",
        summary_html="",
        content_html="",
        published=None,
        updated=None,
        image_url="",
        categories=(),
    )


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


def _apply(
    article: Article, entry: FeedEntry, url: str, canonical: str, digest: str, images: dict[str, int]
) -> None:
    article.title = entry.title[:1000]
    article.author = entry.author[:500]
    article.url = url[:2000]
    article.canonical_url = canonical[:2000]
    # Feeds are parsed with feedparser's sanitizer off: the article allow-list is the one cleaner, and
    # the feed's own HTML is kept only after it (whoever reads it later gets safe markup).
    # A last line that is only a short link (the outlet's section, "Read more") is not the article's.
    article.feed_summary = without_link_trail(clean_article_html(entry.summary_html, url))
    article.feed_content = without_link_trail(clean_article_html(entry.content_html, url))
    article.lead_image_url = entry.image_url[:2000]
    article.image_id = images.get(entry.image_url)
    article.entry_hash = digest
    if entry.published or entry.updated:
        article.published_at = entry.published or entry.updated


@dataclass
class _Known:
    """What the database already holds for a batch of entries, read in three queries."""

    by_guid: dict[str, Article]
    sighted: dict[str, int]
    by_canonical: dict[str, int]
    images: dict[str, int]  # lead image URL → Image id


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _known(source: Source, entries: list[tuple[FeedEntry, str, str, str]]) -> _Known:
    guids = list({guid for _, guid, _, _ in entries})
    canonicals = list({canonical for _, _, _, canonical in entries if canonical})
    known = _Known({}, {}, {}, image_ids_for(e.image_url for e, _, _, _ in entries))
    for chunk in _chunks(guids):
        known.by_guid.update((a.guid, a) for a in Article.objects.filter(source=source, guid__in=chunk))
        known.sighted.update(
            Sighting.objects.filter(source=source, guid__in=chunk).values_list("guid", "article_id")
        )
    for chunk in _chunks(canonicals):
        known.by_canonical.update(
            Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", "pk")
        )
    return known


def upsert_entries(
    source: Source, entries: list[FeedEntry], raw_page_keys: dict[str, str] | None = None
) -> list[EntryResult]:
    """Create or update the articles for a feed's entries. Idempotent; unchanged entries cost no write."""
    if source.publisher_id is None:  # a single page or an imported file names its publisher by URL
        ensure_publisher(source)
    prepared = [(e, e.guid[:2000], *_link(e)) for e in entries]
    known = _known(source, prepared)
    results = []
    with transaction.atomic():  # one commit per feed, not one per entry
        for entry, guid, url, canonical in prepared:
            key = (raw_page_keys or {}).get(entry.guid, "")
            results.append(_upsert(source, entry, guid, url, canonical, key, known))
    return results


def upsert_entry(source: Source, entry: FeedEntry, *, raw_page_key: str = "") -> EntryResult:
    """Create or update the article for one feed entry. Idempotent."""
    return upsert_entries(source, [entry], {entry.guid: raw_page_key} if raw_page_key else None)[0]


def _upsert(
    source: Source, entry: FeedEntry, guid: str, url: str, canonical: str, raw_page_key: str, known: _Known
) -> EntryResult:
    digest = entry_hash(entry)
    existing = known.by_guid.get(guid)
    if existing is None:
        if guid in known.sighted:
            return EntryResult(Outcome.UNCHANGED, known.sighted[guid])
        if canonical and canonical in known.by_canonical:
            other = known.by_canonical[canonical]
            _record_sighting(other, source, guid)
            known.sighted[guid] = other
            return EntryResult(Outcome.SIGHTING, other)

    if existing is not None:
        if existing.entry_hash == digest:
            return EntryResult(Outcome.UNCHANGED, existing.pk)
        _apply(existing, entry, url, canonical, digest, known.images)
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
    _apply(article, entry, url, canonical, digest, known.images)
    article.stage = Stage.FETCHED if raw_page_key else Stage.NEW
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another worker (or an earlier entry of this same feed) took the GUID or the link first.
        winner = (
            Article.objects.filter(source=source, guid=guid).first()
            or Article.objects.filter(canonical_url=canonical).first()
        )
        if winner is None:
            raise
        if winner.source_id != source.pk or winner.guid != guid:
            _record_sighting(winner.pk, source, guid)
            known.sighted[guid] = winner.pk
            return EntryResult(Outcome.SIGHTING, winner.pk)
        known.by_guid[guid] = winner
        return EntryResult(Outcome.UNCHANGED, winner.pk)
    known.by_guid[guid] = article
    if canonical:
        known.by_canonical[canonical] = article.pk
    return EntryResult(Outcome.NEW, article.pk)


def _record_sighting(article_id: int, source: Source, guid: str) -> None:
    try:
        with transaction.atomic():
            Sighting.objects.get_or_create(source=source, guid=guid, defaults={"article_id": article_id})
    except IntegrityError:
        pass
