"""OPML subscription lists: read (tolerantly) and write (OPML 2.0).

Reading uses lxml with a parser that never touches the network, never expands entities and keeps
the default size/depth limits, because an uploaded OPML file is as hostile as any feed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html.entities import name2codepoint
from urllib.parse import urlsplit

from lxml import etree

__all__ = ["OpmlError", "OpmlFeed", "parse_opml", "write_opml"]

CATEGORY_SEPARATOR = " / "
# Outline types that name something other than a feed even when they carry an xmlUrl (another OPML
# list); type="link" with an xmlUrl is how WordPress exports feeds, so it counts as a feed.
_NOT_FEED_TYPES = frozenset({"include", "source"})
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{0,31});")
_SPACE = re.compile(r"\s+")


class OpmlError(Exception):
    """The document is not an OPML subscription list; the message says why in plain words."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    site_url: str
    category: str  # nested outlines joined with " / ", "" at top level


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order, first occurrence of each URL kept."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise OpmlError("empty document: no OPML to read")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,  # hand-edited exports often miss an end tag; keep what can be read
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(_html_entities_to_refs(data), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise OpmlError(f"not OPML: the document is not readable XML ({_short(exc)})") from exc
    if root is None:
        raise OpmlError("not OPML: the document is not XML")
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise OpmlError(f"not OPML: the document's root element is <{name}>, not <opml>")

    feeds: dict[str, OpmlFeed] = {}
    body = next((el for el in root if _local(el) == "body"), None)
    if body is None:
        return []
    # Iterative walk: nesting depth is attacker-controlled.
    stack: list[tuple[etree._Element, tuple[str, ...]]] = [(child, ()) for child in reversed(body)]
    while stack:
        element, path = stack.pop()
        if _local(element) != "outline":
            continue
        attrs = {str(k).lower(): str(v) for k, v in element.attrib.items()}
        url = _feed_url(attrs.get("xmlurl", ""))
        kind = _clean(attrs.get("type", "")).lower()
        title = _clean(attrs.get("text", "")) or _clean(attrs.get("title", ""))
        is_feed = bool(url) and kind not in _NOT_FEED_TYPES
        if is_feed and url not in feeds:
            category = CATEGORY_SEPARATOR.join(path) or _category_attribute(attrs.get("category", ""))
            feeds[url] = OpmlFeed(
                url=url, title=title, site_url=_clean(attrs.get("htmlurl", "")), category=category
            )
        # A feed outline's children are filed under the same category; a folder adds its name.
        child_path = path if is_feed or not title else (*path, title)
        stack.extend((child, child_path) for child in reversed(element))
    return list(feeds.values())


def write_opml(feeds: Iterable[OpmlFeed], title: str = "newsdesk subscriptions") -> str:
    """OPML 2.0 text with one folder outline per category level; :func:`parse_opml` reads it back."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _xml_safe(title)
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    folders = _Folder(body)
    for feed in feeds:
        names = [part.strip() for part in feed.category.split(CATEGORY_SEPARATOR.strip())]
        parent = folders.descend([name for name in names if name])
        attrs = {"type": "rss", "text": _xml_safe(feed.title or feed.url), "xmlUrl": _xml_safe(feed.url)}
        if feed.title:
            attrs["title"] = _xml_safe(feed.title)
        if feed.site_url:
            attrs["htmlUrl"] = _xml_safe(feed.site_url)
        etree.SubElement(parent, "outline", attrs)
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


@dataclass
class _Folder:
    element: etree._Element
    children: dict[str, _Folder] = field(default_factory=dict)

    def descend(self, names: list[str]) -> etree._Element:
        folder = self
        for name in names:
            if name not in folder.children:
                outline = etree.SubElement(folder.element, "outline", text=_xml_safe(name))
                folder.children[name] = _Folder(outline)
            folder = folder.children[name]
        return folder.element


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _feed_url(value: str) -> str:
    """Only http(s) URLs: readers also export shell commands ("|cmd", "exec:") and local files."""
    url = value.strip()
    if url[:5].lower() == "feed:":  # feed://host/x → http://host/x; feed:https://host/x → https://host/x
        rest = url[5:]
        url = rest if "://" in rest else "http:" + rest
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _clean(value: str) -> str:
    return _SPACE.sub(" ", value).strip()


def _category_attribute(value: str) -> str:
    """OPML 2.0 ``category="/a/b,/c"``: the first non-empty path, used only at top level."""
    for path in value.split(","):
        parts = [_clean(part) for part in path.split("/")]
        if any(parts):
            return CATEGORY_SEPARATOR.join(part for part in parts if part)
    return ""


def _html_entities_to_refs(data: bytes) -> bytes:
    """Exports from HTML-minded tools use ``&eacute;`` and friends, which XML does not define.

    Named HTML entities become numeric references and unknown ones become literal text, so the
    document still parses without ever asking the parser to resolve an entity.
    """

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("ascii")
        if name in _XML_ENTITIES:
            return match.group(0)
        codepoint = name2codepoint.get(name)
        return f"&#{codepoint};".encode() if codepoint else b"&amp;" + match.group(0)[1:]

    return _ENTITY.sub(replace, data) if b"&" in data else data


def _xml_safe(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (lxml refuses them rather than escaping)."""
    return "".join(
        ch
        for ch in value
        if ch in "\t\n\r" or ("\x20" <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch > "\uffff"
    )


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
