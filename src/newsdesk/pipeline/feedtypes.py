"""What every feed reader returns (`ParsedFeed` of `FeedEntry`, or `FeedError`), and the helpers the
readers share to fill it: plain text from HTML, absolute http(s) links, sane dates, fallback ids.

`feeds` (RSS/RDF/Atom) and `jsonfeed` (JSON Feed) both build on this; neither imports the other's
internals, and a new feed format adds a reader beside them.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

__all__ = [
    "FUTURE_TOLERANCE",
    "FeedEntry",
    "FeedError",
    "ParsedFeed",
    "absolute_url",
    "fallback_guid",
    "plain_text",
    "sane_datetime",
]


class FeedError(Exception):
    """The document is not a feed we can read; the message says why in plain words."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    url: str
    title: str
    author: str
    summary_html: str
    content_html: str
    published: datetime | None
    updated: datetime | None
    image_url: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ParsedFeed:
    kind: str
    title: str
    site_url: str
    description: str
    language: str
    ttl_minutes: int | None
    entries: tuple[FeedEntry, ...]
    warnings: tuple[str, ...]
    # The site's square icon when the feed names one (Atom <icon>, JSON Feed favicon/icon); an RSS
    # channel <image> is left out: it is usually a wide logo, not an icon.
    icon_url: str = ""


# Dates further ahead than this are a publisher's clock or typo, not a real publication time.
FUTURE_TOLERANCE = timedelta(days=2)
# Comments (also unclosed ones), script/style with their text, and tags; group 1 = a tag's name.
_TAG = re.compile(
    r"<!--.*?-->|<!--[^>]*>?|<![^>]*>|<\?[^>]*>|<(?:script|style)\b.*?(?:</(?:script|style)\s*>|$)"
    # Junk bytes after "<" (a damaged feed: "&lt;" cut open) still leave a tag to drop: "<0;/em>".
    r"|<[^\s<>]{0,12}?/?([A-Za-z][\w:-]*)[^<>]*>",
    re.I | re.S,
)
# Tags that separate words; other tags (b, i, a, span…) can sit inside a word.
_BLOCK_TAG = re.compile(
    r"address|article|aside|blockquote|br|d[dlt]|div|fig(?:caption|ure)|footer|h[1-6r]|header|li|main|nav"
    r"|ol|p|pre|section|t(?:able|body|[dhr]|foot|head)|ul",
    re.I,
)
_SPACE = re.compile(r"\s+")
# Control characters are never text a reader should see (and are not allowed in XML 1.0).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain_text(value: object) -> str:
    """HTML or text → one line of plain text: tags dropped, entities decoded, whitespace collapsed."""
    if not isinstance(value, str) or not value:
        return ""
    text = _CONTROL.sub("", value)
    text = _TAG.sub(_tag_replacement, text) if "<" in text else text
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # markup escaped twice (publishers do): "&lt;b&gt;" is still a tag to a reader
            text = _TAG.sub(_tag_replacement, text)
    return _SPACE.sub(" ", text).strip()


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(1)
    return " " if name and _BLOCK_TAG.fullmatch(name) else ""


def absolute_url(link: object, base: str = "") -> str:
    """Resolve ``link`` against ``base``; only absolute http(s) URLs survive (javascript:, data: → '')."""
    if not isinstance(link, str):
        return ""
    link = link.strip()
    if not link:
        return ""
    try:
        resolved = urljoin(base, link) if base else link
        parts = urlsplit(resolved)
    except ValueError:  # e.g. an invalid IPv6 literal
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return ""
    return scheme + resolved[len(scheme) :]  # "HTTP://x" → "http://x"; the rest exactly as written


def sane_datetime(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """Make ``value`` UTC-aware and drop it when it lies implausibly far in the future."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if value > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        return None
    return value


def fallback_guid(*parts: str) -> str:
    """A stable id for an entry that has neither id nor link."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest[:32]}"
