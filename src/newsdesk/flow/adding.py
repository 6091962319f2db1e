"""Add sources: a feed URL, a page whose feed is found by autodiscovery, a single article, OPML."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.articles import rawstore
from newsdesk.flow.ingest import page_entry, upsert_entry
from newsdesk.pipeline import netguard
from newsdesk.pipeline.discovery import discover_feed_urls
from newsdesk.pipeline.feeds import looks_like_feed
from newsdesk.pipeline.fetch import FetchError
from newsdesk.pipeline.opml import OpmlFeed, parse_opml, write_opml
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.runtime.fetcher import get_fetcher
from newsdesk.sources.models import Source, SourceAddition

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


def request_addition(
    url: str, *, category: str = "", user: object = None, preview: bool = False
) -> SourceAddition:
    """Record a request to add (or, with `preview`, to look at) `url` for a worker (`run_addition`);
    what can be refused without the network is refused now: an unusable address, a host private by
    its spelling, a known source (which a preview may still look at)."""
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        raise AddError(f"not a usable address: {exc}") from exc
    host = urlsplit(url).hostname or ""
    try:
        netguard.check_host(
            host, netguard.AddressPolicy.build(allow_private=settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS)
        )
    except netguard.GuardError as exc:
        raise AddError(exc.message) from exc
    if not preview and (existing := Source.objects.filter(canonical_url=canonical).first()):
        raise AlreadyFollowed(existing)
    return SourceAddition.objects.create(
        url=url[:2000],
        category=category[:300],
        preview=preview,
        requested_by=user if getattr(user, "pk", None) else None,
    )


ADDITION_LEASE = timedelta(minutes=5)


def run_addition(addition_id: int) -> SourceAddition | None:
    """Do one requested addition or preview (the worker's task); None when another worker has it or
    it is done."""
    # preview.py builds on find_feed here; imported late to keep the two modules' order simple.
    from newsdesk.flow.preview import preview_url

    now = timezone.now()
    taken = SourceAddition.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=now - ADDITION_LEASE),
        pk=addition_id,
        status=SourceAddition.Status.PENDING,
    ).update(started_at=now)
    if not taken:
        return None
    addition = SourceAddition.objects.get(pk=addition_id)
    if addition.preview:
        preview = preview_url(addition.url)
        addition.result = preview.to_json()
        addition.how = preview.how
        if preview.ok:
            addition.status = SourceAddition.Status.PREVIEWED
        else:
            addition.status, addition.error = SourceAddition.Status.FAILED, preview.message[:2000]
    else:
        try:
            added = add_url(addition.url, category=addition.category)
        except AddError as exc:
            addition.status, addition.error = SourceAddition.Status.FAILED, str(exc)[:2000]
        else:
            fresh = added.created or added.how == "article"
            addition.status = SourceAddition.Status.ADDED if fresh else SourceAddition.Status.EXISTS
            addition.source, addition.how = added.source, added.how
    addition.finished_at = timezone.now()
    addition.save()
    return addition


PREVIEW_KEPT = timedelta(days=1)


def prune_previews() -> int:
    """Forget staff previews done more than PREVIEW_KEPT ago: their findings only served the status
    page, and a preview stores nothing else. Requested additions stay (who added what, and when)."""
    cutoff = timezone.now() - PREVIEW_KEPT
    deleted, _ = SourceAddition.objects.filter(preview=True, finished_at__lt=cutoff).delete()
    return deleted


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
