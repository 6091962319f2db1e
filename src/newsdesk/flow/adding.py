"""Add sources: a feed URL, a page whose feed is found by autodiscovery, a single article, OPML."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction

from newsdesk.articles import rawstore
from newsdesk.flow.ingest import page_entry, upsert_entry
from newsdesk.pipeline.discovery import discover_feed_urls
from newsdesk.pipeline.feeds import looks_like_feed
from newsdesk.pipeline.fetch import FetchError
from newsdesk.pipeline.opml import OpmlFeed, parse_opml, write_opml
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.runtime.fetcher import get_fetcher
from newsdesk.sources.models import Source


class AddError(Exception):
    """The URL could not be added; the message says why in plain words."""


@dataclass(frozen=True)
class Added:
    source: Source
    created: bool
    how: str  # 'feed', 'discovered', 'article'


def get_or_create_feed(
    url: str, *, category: str = "", title: str = "", site_url: str = ""
) -> tuple[Source, bool]:
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        raise AddError(f"not a usable feed address: {exc}") from exc
    with transaction.atomic():
        source, created = Source.objects.get_or_create(
            canonical_url=canonical,
            defaults={
                "url": url,
                "kind": Source.Kind.FEED,
                "category": category[:300],
                "title": title[:500],
                "site_url": site_url[:2000],
            },
        )
    if not created and category and not source.category:
        source.category = category[:300]
        source.save(update_fields=["category"])
    return source, created


def add_url(url: str, *, category: str = "") -> Added:
    """Fetch URL once to see what it is, then add the feed it is or links to, or the article itself."""
    try:
        canonicalize_url(url)
    except InvalidURL as exc:
        raise AddError(f"not a usable address: {exc}") from exc
    fetcher = get_fetcher()
    try:
        result = fetcher.fetch(url)
    except FetchError as exc:
        raise AddError(f"could not fetch {url}: {exc.message}") from exc
    if looks_like_feed(result.body, result.content_type):
        source, created = get_or_create_feed(result.url or url, category=category)
        return Added(source, created, "feed")
    for feed_url in discover_feed_urls(result.body, result.url or url):
        try:
            probe = fetcher.fetch(feed_url)
        except FetchError:
            continue
        if looks_like_feed(probe.body, probe.content_type):
            source, created = get_or_create_feed(probe.url or feed_url, category=category)
            return Added(source, created, "discovered")
    if "html" not in result.content_type:
        raise AddError(
            f"{url} is neither a feed nor a web page (the server sent {result.content_type or 'no type'})"
        )
    return _add_single_article(result.url or url, result.body, category)


def _add_single_article(url: str, body: bytes, category: str) -> Added:
    host = urlsplit(url).hostname or "pages"
    source, created = Source.objects.get_or_create(
        canonical_url=f"page:{host}",
        defaults={"url": url, "kind": Source.Kind.PAGE, "title": host, "category": category[:300]},
    )
    key = rawstore.put(body)
    upsert_entry(source, page_entry(url), raw_page_key=key)
    return Added(source, created, "article")


def import_opml(data: bytes) -> tuple[int, int]:
    """Create a source for every feed in an OPML file. Returns (created, already there)."""
    created = existing = 0
    for feed in parse_opml(data):
        try:
            _, was_created = get_or_create_feed(
                feed.url, category=feed.category, title=feed.title, site_url=feed.site_url
            )
        except AddError:
            continue
        created += was_created
        existing += not was_created
    return created, existing


def export_opml() -> str:
    feeds = [
        OpmlFeed(url=s.url, title=s.display_name, site_url=s.site_url, category=s.category)
        for s in Source.objects.filter(kind=Source.Kind.FEED).order_by("category", "title")
    ]
    return write_opml(feeds)
