"""One neutral feed → Atom 1.0 (RFC 4287), RSS 2.0 or JSON Feed 1.1 bytes.

Atom and RSS come from Django's own `feedgenerator` (well-formed, escaped, RFC 3339 / RFC 822 dates);
JSON Feed is written here, following https://jsonfeed.org/version/1.1.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from django.utils import feedgenerator

FORMATS = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
TITLES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# XML 1.0 allows no C0 control character except tab, newline and carriage return.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text or "")


@dataclass(frozen=True)
class FeedItem:
    id: str  # a stable URL: our page for the article or story
    title: str
    link: str
    summary: str = ""  # plain text
    content_html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    author: str = ""
    external_url: str = ""  # the original article
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    title: str
    link: str  # the HTML page this feed follows
    feed_url: str  # this document's own URL
    description: str
    items: list[FeedItem] = field(default_factory=list)
    language: str = "en"


def _syndication(feed: Feed, cls: type[feedgenerator.SyndicationFeed]) -> bytes:
    gen = cls(
        title=clean(feed.title),
        link=feed.link,
        description=clean(feed.description),
        feed_url=feed.feed_url,
        feed_guid=feed.feed_url,
        language=feed.language,
        author_name="newsdesk",
        ttl="15",
    )
    for item in feed.items:
        # Atom's <summary type="html"> and RSS's <description> are read as HTML by every reader: the
        # plain-text summary goes in escaped, so text that looks like markup stays text.
        summary_html = escape(item.summary)
        body = item.content_html or summary_html
        gen.add_item(
            title=clean(item.title) or "(untitled)",
            link=item.link,
            description=clean(summary_html if issubclass(cls, feedgenerator.Atom1Feed) else body),
            content=clean(item.content_html) or None,
            original=item.external_url if item.external_url != item.link else None,
            unique_id=item.id,
            unique_id_is_permalink=item.id == item.link,
            pubdate=item.published or item.updated,
            updateddate=item.updated or item.published,
            author_name=clean(item.author) or None,
            categories=[clean(t) for t in item.tags if clean(t)] or None,
        )
    return gen.writeString("utf-8").encode("utf-8")


class _Atom(feedgenerator.Atom1Feed):
    def add_item_elements(self, handler, item) -> None:  # type: ignore[no-untyped-def]
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item.get("original"):  # the outlet's own page, beside ours
            handler.addQuickElement("link", "", {"rel": "related", "href": item["original"]})


class _Rss(feedgenerator.Rss201rev2Feed):
    pass


def atom(feed: Feed) -> bytes:
    return _syndication(feed, _Atom)


def rss(feed: Feed) -> bytes:
    return _syndication(feed, _Rss)


def json_feed(feed: Feed) -> bytes:
    def item(i: FeedItem) -> dict[str, object]:
        out: dict[str, object] = {"id": i.id, "url": i.link, "title": i.title or "(untitled)"}
        if i.external_url and i.external_url != i.link:
            out["external_url"] = i.external_url
        if i.content_html:
            out["content_html"] = i.content_html
        out["content_text" if not i.content_html else "summary"] = i.summary or i.title or ""
        if i.published:
            out["date_published"] = i.published.isoformat()
        if i.updated:
            out["date_modified"] = i.updated.isoformat()
        if i.author:
            out["authors"] = [{"name": i.author}]
        if i.tags:
            out["tags"] = list(i.tags)
        return out

    doc = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": feed.feed_url,
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": "newsdesk"}],
        "items": [item(i) for i in feed.items],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


RENDER = {"atom": atom, "rss": rss, "json": json_feed}


def render(feed: Feed, fmt: str) -> bytes:
    return RENDER[fmt](feed)
