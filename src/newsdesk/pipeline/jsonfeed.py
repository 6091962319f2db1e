"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org) → :class:`ParsedFeed`.

feedparser cannot read JSON Feed, so this is our own reader. It follows the spec where the spec is
clear and is lenient where real publishers are sloppy (numeric ids, RFC 822 dates, a missing
``version``), always saying what it forgave in ``warnings``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from newsdesk.pipeline.feedtypes import (
    FeedEntry,
    FeedError,
    ParsedFeed,
    absolute_url,
    fallback_guid,
    plain_text,
    sane_datetime,
)

__all__ = ["parse_json_feed"]

_IMAGE_PREFIX = "image/"
# Some generators write the bare number instead of the spec's URL.
_BARE_VERSIONS = frozenset({"1", "1.0", "1.1"})


def parse_json_feed(data: bytes, url: str = "") -> ParsedFeed:
    """Parse a JSON Feed document; ``url`` is where it came from (base for relative links).

    Raises :class:`FeedError` when the bytes are not JSON, or are JSON but not a JSON Feed.
    """
    try:
        doc = json.loads(data)
    except RecursionError as exc:
        raise FeedError("not a feed: the JSON is nested too deeply to read") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise FeedError(f"not a feed: invalid JSON ({_short(exc)})") from exc
    if not isinstance(doc, dict):
        raise FeedError("not a feed: the JSON document is not an object")

    warnings: list[str] = []
    version = doc.get("version")
    items = doc.get("items")
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        if version not in _BARE_VERSIONS or not isinstance(items, list):
            raise FeedError("not a feed: a JSON document, but not a JSON Feed (no jsonfeed.org version)")
        warnings.append(f"JSON Feed version should be a jsonfeed.org URL, not {version!r}; read it anyway")
    if not isinstance(items, list):
        warnings.append("JSON Feed has no items list")
        items = []

    base = absolute_url(url) or absolute_url(doc.get("feed_url"))
    feed_authors = _authors(doc)
    now = datetime.now(UTC)
    entries: list[FeedEntry] = []
    skipped = 0
    for item in items:
        if isinstance(item, dict):
            entries.append(_entry(item, base, feed_authors, now))
        else:
            skipped += 1
    if skipped:
        warnings.append(f"skipped {skipped} items that are not JSON objects")
    language = doc.get("language")
    return ParsedFeed(
        kind="json",
        title=plain_text(doc.get("title")),
        site_url=absolute_url(doc.get("home_page_url"), base),
        description=plain_text(doc.get("description")),
        language=language.strip()[:35] if isinstance(language, str) else "",
        ttl_minutes=None,
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


def _entry(item: Mapping[str, Any], base: str, feed_authors: str, now: datetime) -> FeedEntry:
    # Linkblogs put the discussed page in external_url and may omit url.
    url = absolute_url(item.get("url"), base) or absolute_url(item.get("external_url"), base)
    title = plain_text(item.get("title"))
    content = _str(item.get("content_html"))
    if not content and (text := _str(item.get("content_text"))):
        content = html.escape(text, quote=False)
    # The spec's summary is plain text; escaping keeps summary_html valid HTML.
    summary = html.escape(_str(item.get("summary")), quote=False)
    published = _date(item.get("date_published"), now)
    updated = _date(item.get("date_modified"), now)
    raw_id = item.get("id")
    guid = str(raw_id).strip() if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    guid = guid or url
    if not guid:
        guid = fallback_guid(title, published.isoformat() if published else "", summary or content)
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        author=_authors(item) or feed_authors,  # spec: items without authors inherit the feed's
        summary_html=summary,
        content_html=content,
        published=published or updated,
        updated=updated,
        image_url=_image(item, base),
        categories=_tags(item.get("tags")),
    )


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _authors(obj: Mapping[str, Any]) -> str:
    """1.1 ``authors`` (list) wins over the deprecated 1.0 ``author`` (object)."""
    people = obj.get("authors")
    if not isinstance(people, list) or not people:
        people = [obj.get("author")]
    names: dict[str, None] = {}
    for person in people:
        if isinstance(person, Mapping) and (name := plain_text(person.get("name"))):
            names.setdefault(name, None)
    return ", ".join(names)


def _image(item: Mapping[str, Any], base: str) -> str:
    candidates: list[object] = [item.get("image"), item.get("banner_image")]
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, Mapping) and _str(attachment.get("mime_type")).startswith(_IMAGE_PREFIX):
            candidates.append(attachment.get("url"))
    for candidate in candidates:
        if resolved := absolute_url(candidate, base):
            return resolved
    return ""


def _tags(tags: object) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags if isinstance(tags, list) else []:
        if text := plain_text(tag):
            seen.setdefault(text, None)
    return tuple(seen)


def _date(value: object, now: datetime) -> datetime | None:
    """RFC 3339 as the spec says; RFC 822 as some publishers write anyway."""
    if not isinstance(value, str) or not (text := value.strip()) or len(text) > 64:
        return None
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            moment = None
    return sane_datetime(moment, now)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
