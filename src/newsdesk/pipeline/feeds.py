"""RSS 0.9x/1.0/2.0, Atom and JSON Feed documents → plain entries.

Every document is hostile: anything that is not a feed raises :class:`FeedError` with a message a
person can read; a damaged feed that still yields entries is returned with a warning instead.
RSS/RDF/Atom go through feedparser; JSON Feed through :mod:`newsdesk.pipeline.jsonfeed`.
"""

from __future__ import annotations

import calendar
import dataclasses
import html
import io
import re
import xml.sax
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.datetimes import _parse_date
from lxml import etree

from newsdesk.pipeline.feedtypes import (
    FeedEntry,
    FeedError,
    ParsedFeed,
    absolute_url,
    fallback_guid,
    plain_text,
    sane_datetime,
)
from newsdesk.pipeline.jsonfeed import parse_json_feed

__all__ = ["FeedEntry", "FeedError", "ParsedFeed", "looks_like_feed", "parse_feed", "plain_text"]

# A gzip body without Content-Encoding is inflated up to this size (a zip bomb stops here).
MAX_INFLATED_BYTES = 32 * 1024 * 1024
_SNIFF_BYTES = 4096

_JSON_TYPES = ("application/feed+json", "application/json")
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf ", b"<channel")
_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)
_SPACE = re.compile(r"\s+")
_FOREIGN_WEEKDAY = re.compile(r"^\s*[^\W\d]{2,12}\.?,\s*")
_SY_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
_MAX_TTL_MINUTES = 525600


def is_json_feed(data: bytes, content_type: str | None = None) -> bool:
    """Should the JSON Feed reader take this? Any document starting with ``{`` (or a JSON array
    served as JSON): no XML feed starts that way, and the JSON reader explains what is wrong."""
    head = _strip_bom(data[:_SNIFF_BYTES]).lstrip()
    if head.startswith(b"{"):
        return True  # nothing else we read starts with a brace; the JSON reader says if it is no feed
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type in _JSON_TYPES and head.startswith(b"[")


# ---------------------------------------------------------------- public API


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """Cheap sniff of the first bytes: is this plausibly an RSS/RDF/Atom/JSON feed (not an HTML page)?"""
    if not data:
        return False
    if data[:2] == b"\x1f\x8b":
        data = _inflate(data, limit=_SNIFF_BYTES) or b""
    head = _ascii_head(data)
    if head.startswith(b"{"):
        media_type = (content_type or "").split(";")[0].strip().lower()
        return b"jsonfeed.org/version" in head or (media_type in _JSON_TYPES and b'"items"' in head)
    if _HTML_START.match(head):
        return False
    return any(marker in head for marker in _FEED_MARKERS)


def parse_feed(data: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document given as bytes; ``url`` is where it came from (base for relative links).

    Raises :class:`FeedError` for empty input, HTML pages, binary data and anything else that is not
    a feed. Never fetches anything: external entities and DTDs are not loaded.
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"parse_feed expects bytes, not {type(data).__name__}")
    warnings: list[str] = []
    if data[:2] == b"\x1f\x8b":
        inflated = _inflate(data, limit=MAX_INFLATED_BYTES)
        if inflated is None:
            raise FeedError("not a feed: the data is gzip-compressed but damaged or too large")
        data = inflated
        warnings.append("feed was gzip-compressed without saying so; decompressed it")
    if not data.strip():
        raise FeedError("empty document: the server returned no content")
    if is_json_feed(data, content_type):
        parsed = parse_json_feed(data, url)
        if warnings:
            parsed = dataclasses.replace(parsed, warnings=(*warnings, *parsed.warnings))
        return parsed
    head = data[:_SNIFF_BYTES]
    # NULs mean binary garbage unless this is UTF-16/32 (with a BOM, or a "<" beside a NUL).
    if b"\x00" in head and not _has_wide_bom(data) and b"<\x00" not in head and b"\x00<" not in head:
        raise FeedError("not a feed: the data is binary, not text")
    return _parse_xml_feed(data, url, content_type, warnings)


# ---------------------------------------------------------------- XML feeds via feedparser


class _NoTree:
    """lxml parser target that builds nothing: the pre-check only wants libxml2's limits applied."""

    def close(self) -> None:
        return None


def _check_depth(data: bytes) -> None:
    """Refuse absurdly deep XML before feedparser's pure-Python parsers spend seconds on it.

    libxml2 (huge_tree off) stops at depth 256 in microseconds; real feeds are a few levels deep.
    Other XML errors are left to feedparser, which recovers from many of them.
    """
    parser = etree.XMLParser(
        target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):
            raise FeedError("not a feed: the document is nested too deeply to read") from exc
    except (ValueError, LookupError):  # e.g. an unknown encoding declaration: feedparser decides
        pass


def _parse_xml_feed(data: bytes, url: str, content_type: str | None, warnings: list[str]) -> ParsedFeed:
    _check_depth(data)
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    # No content-location: feedparser would then "resolve" relative <id>s into URLs, and a guid must
    # not change when the feed moves. Links are resolved against ``url`` below instead.
    try:
        # A BytesIO, never bytes or str: feedparser treats a str as a URL to fetch and tries any
        # bytes/str as a local file name first.
        result = feedparser.parse(
            io.BytesIO(data), response_headers=headers, resolve_relative_uris=False, sanitize_html=False
        )
    except RecursionError as exc:
        raise FeedError("not a feed: the document is nested too deeply to read") from exc
    except Exception as exc:  # feedparser's loose parser can fail in many ways on garbage
        raise FeedError(f"not a feed: the document could not be read ({type(exc).__name__})") from exc

    version = str(result.get("version") or "")
    raw_entries: list[Any] = list(result.get("entries") or [])
    if not version and not raw_entries:
        if _HTML_START.match(_ascii_head(data)):
            raise FeedError("not a feed: the server returned an HTML page")
        exc = result.get("bozo_exception")
        if isinstance(exc, xml.sax.SAXException) and not _is_encoding_note(exc):
            raise FeedError(f"not a feed: the document is not well-formed XML ({_bozo_reason(exc)})")
        raise FeedError("not a feed: no RSS, Atom or RDF document found")

    if version.startswith("atom"):
        kind = "atom"
    elif version in ("rss090", "rss10"):
        kind = "rdf"
    else:
        kind = "rss"
        if not version:
            warnings.append("feed format not recognised; read its items as RSS")
    if result.get("bozo"):
        warnings.append(_bozo_warning(result.get("bozo_exception"), len(raw_entries)))

    feed: Mapping[str, Any] = result.get("feed") or {}
    base = absolute_url(url)
    site_url = absolute_url(feed.get("link"), base)
    # RFC 4287 §4.2.1: an Atom entry without an author has the feed's author(s).
    feed_author = _author_of(feed) if kind == "atom" else ""
    now = datetime.now(UTC)
    entries = tuple(_entry(e, base or site_url, feed_author, now) for e in raw_entries)
    return ParsedFeed(
        kind=kind,
        title=plain_text(feed.get("title")),
        site_url=site_url,
        description=plain_text(feed.get("subtitle")) or plain_text(dict.get(feed, "summary")),  # itunes
        language=_text(feed.get("language")).strip()[:35],
        ttl_minutes=_ttl_minutes(feed),
        entries=entries,
        warnings=tuple(warnings),
    )


def _entry(e: Mapping[str, Any], base: str, feed_author: str, now: datetime) -> FeedEntry:
    title = plain_text(e.get("title"))
    url = absolute_url(e.get("link"), base)
    summary = _html_of(e.get("summary"), e.get("summary_detail"))
    content = _content_html(e.get("content"))
    published = _entry_date(e, "published", now)
    updated = _entry_date(e, "updated", now)
    if published is None:
        # Atom requires only <updated>; it is the best publication time such an entry has.
        published = updated
    guid = _text(e.get("id")).strip() or url
    if not guid:
        guid = fallback_guid(title, published.isoformat() if published else "", summary or content)
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        author=_author_of(e) or feed_author,
        summary_html=summary,
        content_html=content,
        published=published,
        updated=updated,
        image_url=_image_of(e, base),
        categories=_categories(e.get("tags")),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _html_of(value: object, detail: object) -> str:
    text = _text(value)
    if text and isinstance(detail, Mapping) and _text(detail.get("type")) == "text/plain":
        return html.escape(text, quote=False)
    return text


def _content_html(contents: object) -> str:
    if not isinstance(contents, list) or not contents:
        return ""
    items = [c for c in contents if isinstance(c, Mapping) and _text(c.get("value"))]
    if not items:
        return ""
    best = next((c for c in items if "html" in _text(c.get("type"))), items[0])
    return _html_of(best.get("value"), best)


def _author_of(item: Mapping[str, Any]) -> str:
    detail = item.get("author_detail")
    name = plain_text(detail.get("name")) if isinstance(detail, Mapping) else ""
    if not name:
        names = [plain_text(a.get("name")) for a in item.get("authors") or [] if isinstance(a, Mapping)]
        name = ", ".join(n for n in names if n)
    return name or plain_text(item.get("author"))


def _image_of(e: Mapping[str, Any], base: str) -> str:
    candidates: list[object] = []
    for thumb in e.get("media_thumbnail") or []:
        if isinstance(thumb, Mapping):
            candidates.append(thumb.get("url"))
    for media in e.get("media_content") or []:
        if isinstance(media, Mapping) and (
            media.get("medium") == "image" or _text(media.get("type")).startswith("image/")
        ):
            candidates.append(media.get("url"))
    for link in e.get("links") or []:
        if (
            isinstance(link, Mapping)
            and link.get("rel") == "enclosure"
            and _text(link.get("type")).startswith("image/")
        ):
            candidates.append(link.get("href"))
    image = e.get("image")
    if isinstance(image, Mapping):  # itunes:image
        candidates.append(image.get("href"))
    for candidate in candidates:
        resolved = absolute_url(candidate, base)
        if resolved:
            return resolved
    return ""


def _categories(tags: object) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, Mapping):
            term = plain_text(tag.get("term")) or plain_text(tag.get("label"))
            if term:
                seen.setdefault(term, None)
    return tuple(seen)


def _entry_date(e: Mapping[str, Any], key: str, now: datetime) -> datetime | None:
    # dict.get, not FeedParserDict.get: the latter quietly answers updated_parsed with published_parsed.
    parsed = dict.get(e, f"{key}_parsed")
    raw = dict.get(e, key)
    if parsed is None and isinstance(raw, str) and _FOREIGN_WEEKDAY.match(raw):
        # "mer, 16 nov 2022 00:38:15 +0100": feedparser gives up on a non-English weekday name,
        # which carries no information anyway.
        parsed = _parse_date(_FOREIGN_WEEKDAY.sub("", raw, count=1))
    return _struct_to_datetime(parsed, now)


def _struct_to_datetime(value: object, now: datetime) -> datetime | None:
    if not isinstance(value, tuple) or len(value) < 6:
        return None
    try:
        stamp = calendar.timegm(value)  # feedparser's tuples are already UTC
        moment = datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None
    return sane_datetime(moment, now)


def _ttl_minutes(feed: Mapping[str, Any]) -> int | None:
    ttl = _positive_int(feed.get("ttl"))
    if ttl is not None:
        return min(ttl, _MAX_TTL_MINUTES)
    period = _SY_PERIOD_MINUTES.get(_text(feed.get("sy_updateperiod")).strip().lower())
    frequency = _positive_int(feed.get("sy_updatefrequency")) or 1
    if period is None and "sy_updatefrequency" not in feed:
        return None
    return max(1, (period or _SY_PERIOD_MINUTES["daily"]) // frequency)


def _positive_int(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


def _bozo_reason(exc: object) -> str:
    message = _SPACE.sub(" ", str(exc or "")).strip()
    return message[:160] or "unknown error"


def _is_encoding_note(exc: object) -> bool:
    """feedparser's notes about content type/encoding, which are not XML syntax errors."""
    return type(exc).__name__ in (
        "CharacterEncodingOverride",
        "NonXMLContentType",
        "CharacterEncodingUnknown",
    )


def _bozo_warning(exc: object, entries: int) -> str:
    name = type(exc).__name__
    if name == "CharacterEncodingOverride":
        return f"declared character encoding was wrong; read it another way ({_bozo_reason(exc)})"
    if name == "NonXMLContentType":
        return f"served with a content type that is not XML ({_bozo_reason(exc)})"
    if name == "CharacterEncodingUnknown":
        return "character encoding could not be determined; some characters may be wrong"
    return f"feed is not well-formed XML: {_bozo_reason(exc)} (recovered {entries} entries)"


# ---------------------------------------------------------------- byte sniffing


def _strip_bom(head: bytes) -> bytes:
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head


def _has_wide_bom(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")


def _ascii_head(data: bytes) -> bytes:
    """The first bytes, lower-cased and leading whitespace removed; UTF-16/32 narrowed to ASCII."""
    head = data[:_SNIFF_BYTES]
    if _has_wide_bom(head) or head[:2] in (b"<\x00", b"\x00<"):
        head = head.replace(b"\x00", b"")
        head = head.lstrip(b"\xff\xfe")
    return _strip_bom(head).lstrip().lower()


def _inflate(data: bytes, limit: int) -> bytes | None:
    try:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out = inflater.decompress(data, limit)
    except zlib.error:
        return None
    if not out or (inflater.unconsumed_tail and limit == MAX_INFLATED_BYTES):
        return None  # nothing readable, or larger than we are willing to hold
    return out  # a truncated stream gives what it has; the feed parser then recovers what it can
