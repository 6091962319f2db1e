"""What an article page states about itself: title, author, date, image, canonical URL, site name.

The page's own statements come first (JSON-LD, OpenGraph and other <meta>, link rel=canonical);
trafilatura and htmldate fill only the gaps (`fill_metadata_gaps`), because their full passes cost more
and guess where the page said nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
)

from newsdesk.pipeline.sanitize import clean_text

__all__ = ["LIBRARY_ERRORS", "PageMetadata", "fill_metadata_gaps", "page_metadata"]

log = logging.getLogger(__name__)

# What trafilatura and lxml are seen to raise on odd trees (lxml also asserts).
LIBRARY_ERRORS = (
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    AssertionError,
    RecursionError,
    lxml.etree.LxmlError,
)
_AUTHOR_META_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_DATE_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "date",
)


@dataclass(frozen=True)
class PageMetadata:
    title: str = ""
    author: str = ""
    published: datetime | None = None
    lead_image_url: str = ""
    canonical_url: str = ""
    description: str = ""
    site_name: str = ""
    stated_body_chars: int = 0
    """Length of the JSON-LD articleBody, when the page states one (a yardstick for truncation)."""


def page_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """Metadata the page states outright (JSON-LD, OpenGraph, link rel) — trafilatura's fill the gaps."""
    ld = list(_json_ld_articles(tree))
    metas = _meta_map(tree)
    canonical = ""
    for href in tree.xpath("//head/link[@rel='canonical']/@href"):
        canonical = _http_url(str(href), url)
        if canonical:
            break
    canonical = canonical or _http_url(metas.get("og:url", ""), url)
    published = None
    for obj in ld:
        published = _parse_datetime(_first_str(obj.get("datePublished")))
        if published:
            break
    if published is None:
        for key in _DATE_META_KEYS:
            published = _parse_datetime(metas.get(key, ""))
            if published:
                break
    if published is None:
        for value in tree.xpath(
            "//*[@itemprop='datePublished']/@content|//*[@itemprop='datePublished']/@datetime"
        ):
            published = _parse_datetime(str(value))
            if published:
                break
    author = ""
    for obj in ld:
        author = _ld_names(obj.get("author"))
        if author:
            break
    for key in _AUTHOR_META_KEYS:
        if author:
            break
        value = clean_text(metas.get(key, ""))
        author = "" if value.startswith("http") or len(value) > 200 else value
    image = ""
    for candidate in (metas.get("og:image", ""), metas.get("twitter:image", ""), *(_ld_image(o) for o in ld)):
        image = _http_url(candidate, url)
        if image:
            break
    title = next((_first_str(o.get("headline")) for o in ld if o.get("headline")), "") or metas.get(
        "og:title", ""
    )
    bodies = [len(o["articleBody"]) for o in ld if isinstance(o.get("articleBody"), str)]
    return PageMetadata(
        # JSON-LD and meta values are often HTML-escaped twice (WordPress): "doesn&#8217;t"
        title=clean_text(unescape(title)),
        author=author,
        published=published,
        lead_image_url=image,
        canonical_url=canonical,
        description=clean_text(unescape(metas.get("og:description", "") or metas.get("description", ""))),
        site_name=clean_text(metas.get("og:site_name", "")),
        stated_body_chars=max(bodies, default=0),
    )


def _clean_author(author: str) -> str:
    names = [clean_text(a) for a in author.split(";")]
    return ", ".join(n for n in names if n)


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in out:
            out[key] = str(el.get("content") or "").strip()
    return out


_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|BlogPosting", re.IGNORECASE)


def _json_ld_articles(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw.strip() or len(raw) > 1_000_000:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        yield from (obj for obj in _walk_ld(data, 0) if _ARTICLE_TYPES.search(str(obj.get("@type", ""))))


def _walk_ld(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _walk_ld(graph, depth + 1)


def _first_str(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _ld_names(value: Any) -> str:
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and clean_text(name) and not name.strip().startswith("http"):
            names.append(clean_text(unescape(name)))
    return ", ".join(dict.fromkeys(names))


def _ld_image(obj: dict[str, Any]) -> str:
    image = obj.get("image")
    if isinstance(image, list):
        image = image[0] if image else ""
    if isinstance(image, dict):
        image = image.get("url", "")
    return image if isinstance(image, str) else ""


def _http_url(candidate: str, base: str) -> str:
    candidate = (candidate or "").strip()
    if not candidate or len(candidate) > 2048:
        return ""
    try:
        absolute = urljoin(base, candidate) if base else candidate
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    return absolute if parts.scheme in ("http", "https") and parts.netloc else ""


def _parse_datetime(value: str) -> datetime | None:
    """An aware UTC datetime from an ISO-8601-ish string; a bare date is taken as midnight UTC."""
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    value = re.sub(r"Z$", "+00:00", value)
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.strptime(value[:10], "%Y-%m-%d")
        except ValueError:
            return None
    if parsed.year < 1990 or parsed.year > 2100:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def fill_metadata_gaps(own: PageMetadata, tree: HtmlElement, doc: HtmlElement, url: str) -> PageMetadata:
    """``own`` with trafilatura's (and htmldate's) answers for what the page did not state outright.

    Only the missing fields are searched: trafilatura's full metadata pass also collects categories,
    tags and licences. Its byline search copies and prunes the tree it gets, so it gets ``doc`` (the
    content tree, without navigation, asides and footers): 40% cheaper, and it no longer takes a
    commenter for the author. Both it and htmldate copy what they prune.
    """
    if own.title and own.published and own.author and own.site_name:
        return own
    try:
        stated = extract_meta_json(tree, examine_meta(tree))
        title = own.title or clean_text(stated.title or "") or clean_text(extract_title(tree) or "")
        author = own.author or _traf_author(stated.author or "", doc)
        site_name = own.site_name or _site_name(stated.sitename or extract_sitename(tree) or "", url)
        published = own.published
        if published is None:
            found = find_date(tree, extensive_search=False, original_date=True, url=url or None)
            published = _parse_datetime(str(found or ""))
    except LIBRARY_ERRORS as exc:
        log.debug("trafilatura metadata failed on %s: %s", url, exc)
        return own
    return PageMetadata(
        title=title,
        author=author,
        published=published,
        lead_image_url=own.lead_image_url or _http_url(str(stated.image or ""), url),
        canonical_url=own.canonical_url or _http_url(str(stated.url or ""), url),
        description=own.description or clean_text(str(stated.description or "")),
        site_name=site_name,
        stated_body_chars=own.stated_body_chars,
    )


def _traf_author(stated: str, doc: HtmlElement) -> str:
    # As trafilatura: a one-word author from the meta tags is a handle, not a name.
    if " " in stated.strip():
        return _clean_author(stated)
    return _clean_author(extract_author(doc) or "")


def _site_name(name: str, url: str) -> str:
    name = clean_text(name).lstrip("@")
    if name and "." not in name and not name[0].isupper():
        name = name.title()
    if not name:
        host = (urlsplit(url).hostname or "") if url else ""
        name = host.removeprefix("www.")
    return name
