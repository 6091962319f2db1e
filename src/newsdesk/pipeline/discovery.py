"""Find the feeds a web page advertises, for `newsdesk add https://some.site/`.

Declared feeds (``<link rel="alternate" type="application/rss+xml" ...>``) come first in page order;
links that merely look like feeds (``<a href=".../feed">``) are ranked after them as guesses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsdesk.pipeline.charset import decode_text

__all__ = ["discover_feed_urls"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    }
)
# Anchor hrefs whose path ends like this are probably feeds.
_FEEDISH_PATH = re.compile(r"(?:/feed|/rss|\.rss|\.xml|atom)/?$", re.I)
# WordPress advertises its REST API as rel=alternate application/json on every page, and sitemaps
# end in .xml: neither is a feed.
_NOT_FEEDS = re.compile(r"/wp-json/|/oembed|sitemap[^/]*\.xml", re.I)
_MAX_HTML_CHARS = 2_000_000  # feeds are declared in the head; a huge page is not read to its end


def discover_feed_urls(html: bytes | str, base_url: str) -> list[str]:
    """Absolute feed URLs advertised by a page: declared ones first (page order), guesses after."""
    text = decode_text(html) if isinstance(html, bytes) else html
    finder = _FeedLinkFinder(base_url)
    try:
        finder.feed(text[:_MAX_HTML_CHARS])
        finder.close()
    except (AssertionError, ValueError):  # html.parser on pathological markup; keep what was found
        pass
    found: dict[str, None] = {}
    for href in (*finder.declared, *finder.guessed):
        url = _absolute(href, finder.base)
        if url and not _NOT_FEEDS.search(url):
            found.setdefault(url, None)
    return list(found)


class _FeedLinkFinder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.seen_base = False
        self.declared: list[str] = []
        self.guessed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): (value or "").strip() for name, value in attrs}
        href = attributes.get("href", "")
        if not href:
            return
        if tag == "base" and not self.seen_base:
            # Only the first <base> counts (HTML spec), and only if it is itself usable.
            self.seen_base = True
            self.base = _absolute(href, self.base) or self.base
        elif tag == "link":
            rels = attributes.get("rel", "").lower().split()
            media_type = attributes.get("type", "").split(";")[0].strip().lower()
            if "alternate" in rels and media_type in FEED_TYPES:
                self.declared.append(href)
        elif tag == "a" and _FEEDISH_PATH.search(href.split("#")[0].split("?")[0]):
            self.guessed.append(href)

    handle_startendtag = handle_starttag


def _absolute(href: str, base: str) -> str:
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return parts._replace(fragment="").geturl()
