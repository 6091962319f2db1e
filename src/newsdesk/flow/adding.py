"""Add sources: a feed URL, a page whose feed is found by autodiscovery, a single article, OPML."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
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

# Autodiscovery tries at most this many of the feeds a page lists (declared ones first), within the
# NEWSDESK_ADD_DEADLINE_S budget for the whole addition.
MAX_CANDIDATES = 4


class AddError(Exception):
    """The URL could not be added; the message says why in plain words."""


class AlreadyFollowed(AddError):
    """The URL is a source already."""

    def __init__(self, source: Source) -> None:
        super().__init__("this source is already followed")
        self.source = source


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


@dataclass(frozen=True)
class Found:
    """What a URL turned out to be, before anything is stored."""

    url: str  # the feed's address after redirects, or the page's for 'article'
    how: str  # 'feed', 'discovered' (a page linking to its feed), 'article' (a single page)
    body: bytes
    content_type: str


def find_feed(url: str, *, feeds_only: bool = False) -> Found:
    """Fetch URL once to see what it is; for a page, try at most MAX_CANDIDATES of the feeds it lists,
    all within NEWSDESK_ADD_DEADLINE_S. Writes nothing (no row, no raw page): the preview is this.

    With `feeds_only` a page that is no feed and links to none is refused (AddError) instead of being
    taken as a single article."""
    try:
        canonicalize_url(url)
    except InvalidURL as exc:
        raise AddError(f"not a usable address: {exc}") from exc
    fetcher = get_fetcher()
    # One budget for the page and every candidate feed it lists: a page may advertise dozens of
    # alternates that each answer slowly (issue 14).
    deadline = time.monotonic() + settings.NEWSDESK_ADD_DEADLINE_S
    try:
        result = fetcher.fetch(url)
    except FetchError as exc:
        raise AddError(f"could not fetch {url}: {exc.message}") from exc
    if looks_like_feed(result.body, result.content_type):
        return Found(result.url or url, "feed", result.body, result.content_type)
    candidates = discover_feed_urls(result.body, result.url or url)
    for feed_url in candidates[:MAX_CANDIDATES]:
        left = deadline - time.monotonic()
        if left < 0.5:
            break
        try:
            probe = fetcher.fetch(feed_url, timeout_s=left)
        except FetchError:
            continue
        if looks_like_feed(probe.body, probe.content_type):
            return Found(probe.url or feed_url, "discovered", probe.body, probe.content_type)
    if feeds_only:
        tried = min(len(candidates), MAX_CANDIDATES)
        raise AddError(f"no feed found at {url}" + (f" (tried {tried} the page lists)" if tried else ""))
    if "html" not in result.content_type:
        raise AddError(
            f"{url} is neither a feed nor a web page (the server sent {result.content_type or 'no type'})"
        )
    return Found(result.url or url, "article", result.body, result.content_type)


def add_url(url: str, *, category: str = "", feeds_only: bool = False) -> Added:
    """Add the feed URL is or links to, or the article itself (see `find_feed`).

    Nothing is stored for a refused URL: every row is written after the decision, and an article's
    source and entry together or not at all.
    """
    found = find_feed(url, feeds_only=feeds_only)
    if found.how == "article":
        return _add_single_article(found.url, found.body, category)
    source, created = get_or_create_feed(found.url, category=category)
    return Added(source, created, found.how)


def _add_single_article(url: str, body: bytes, category: str) -> Added:
    host = urlsplit(url).hostname or "pages"
    key = rawstore.put(body)
    with transaction.atomic():
        source, created = Source.objects.get_or_create(
            canonical_url=f"page:{host}",
            defaults={"url": url, "kind": Source.Kind.PAGE, "title": host, "category": category[:300]},
        )
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
