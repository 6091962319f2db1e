"""Google Reader's Atom streams: `/reader/atom/<stream>` (and `/reader/reader/atom/<stream>`, where
apps that prefix the server address with `/reader` look), what newsboat's Google Reader backends read.

The same streams, filters and paging as `stream/contents` (n, r, c, xt, it, ot, nt), written as Atom
with Google Reader's extensions: each entry's read, starred and folder state are `<category>`
elements in the reader scheme (`label="read"` is what newsboat checks), `gr:crawl-timestamp-msec`
is when the site found it, and `gr:continuation` pages on.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.readersync import greader, state
from newsdesk.readersync.content import article_html, xml_text

ATOM = "http://www.w3.org/2005/Atom"
GR = "http://www.google.com/schemas/reader/atom/"
SCHEME = "http://www.google.com/reader/"
ET.register_namespace("", ATOM)
ET.register_namespace("gr", GR)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text:
        element.text = xml_text(text)
    return element


def _category(entry: ET.Element, user_id: int, stream: str) -> None:
    """A state or folder as Google Reader wrote it: the term with the reader's id, the label its name."""
    term = f"user/{user_id}/" + stream.removeprefix("user/-/")
    _sub(entry, "category", term=term, scheme=SCHEME, label=stream.rsplit("/", 1)[-1])


def _entry(feed: ET.Element, article: Article, user_id: int, labels: dict[int, list[str]]) -> None:
    entry = _sub(feed, "entry")
    entry.set(f"{{{GR}}}crawl-timestamp-msec", str(int(article.discovered_at.timestamp() * 1000)))
    _sub(entry, "id", greader.long_item_id(article.pk))
    _category(entry, user_id, greader.READING_LIST)
    if getattr(article, "is_read", False):
        _category(entry, user_id, greader.READ)
    if getattr(article, "is_starred", False):
        _category(entry, user_id, greader.STARRED)
    for name in labels.get(article.source_id, []):
        _category(entry, user_id, greader.LABEL_PREFIX + name)
    _sub(entry, "title", article.title, type="text")
    _sub(entry, "published", _iso(article.display_time))
    _sub(entry, "updated", _iso(article.updated_at))
    if article.url:
        _sub(entry, "link", rel="alternate", href=article.url, type="text/html")
    _sub(entry, "summary", article_html(article), type="html")
    if article.author:
        _sub(_sub(entry, "author"), "name", article.author)
    source = _sub(entry, "source")
    source.set(f"{{{GR}}}stream-id", f"feed/{article.source_id}")
    _sub(source, "id", f"tag:google.com,2005:reader/feed/{article.source_id}")
    _sub(source, "title", article.source.display_name, type="text")
    if article.source.site_url:
        _sub(source, "link", rel="alternate", href=article.source.site_url, type="text/html")


def _title(user: Any, stream: str) -> tuple[str, str]:
    """The stream's name as a reader knows it, and its web site (feeds only)."""
    if stream.startswith("feed/"):
        source = greader.feed_source(user, stream)
        return state.follow_label(user, source) or source.display_name, source.site_url
    if stream.startswith(greader.LABEL_PREFIX):
        return stream.removeprefix(greader.LABEL_PREFIX), ""
    return stream.rsplit("/", 1)[-1].replace("-", " ").capitalize(), ""


@greader.api
def stream(request: HttpRequest, user: Any, stream: str = "") -> HttpResponse:
    p = greader.params(request)
    name = greader.normalise_stream(stream or p.get("s", "") or greader.READING_LIST)
    page, continuation = greader.filtered(user, name, p, greader.MAX_ITEMS)
    labels = state.labels_by_source(user, {a.source for a in page})
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"tag:google.com,2005:reader/{name}")
    title, site = _title(user, name)
    _sub(feed, "title", title, type="text")
    if site:
        _sub(feed, "link", rel="alternate", href=site, type="text/html")
    _sub(feed, "updated", _iso(timezone.now()))
    _sub(feed, "generator", "newsdesk")
    if continuation:
        ET.SubElement(feed, f"{{{GR}}}continuation").text = continuation
    for article in page:
        _entry(feed, article, user.pk, labels)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
