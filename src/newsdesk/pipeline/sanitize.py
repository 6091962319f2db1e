"""Make article HTML safe to show, and turn it into plain text.

Every page is hostile: the article body is rebuilt through nh3's allow-list, so scripts, styles, event
handlers, frames, forms and ``javascript:``/``data:`` URLs never survive, whatever the extractor kept.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption",
        "img", "a", "em", "strong", "b", "i", "code", "pre", "br", "hr",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
# Tags whose content is never article text: nh3 drops them whole instead of unwrapping them.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg"}
)
_FORM_TAGS = ("form", "input", "button", "select", "textarea", "option")

BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr",
        "caption", "hr", "address", "details", "summary", "center", "form", "fieldset",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe", "svg"})
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_WS_RE = re.compile(r"\s+")


def clean_text(s: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space and trim."""
    return _WS_RE.sub(" ", s).strip()


def _absolute(url: str, base_url: str, schemes: frozenset[str]) -> str | None:
    """The URL made absolute against ``base_url``, or None when its scheme is not allowed."""
    url = url.strip()
    if not url:
        return None
    try:
        absolute = urljoin(base_url, url) if base_url else url
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme != "mailto" and not parts.netloc:
        return None
    return absolute


def clean_article_html(html: str, base_url: str) -> str:
    """Sanitise article HTML through an allow-list; relative links and images become absolute.

    Links keep only http/https/mailto targets and get ``rel="nofollow noopener noreferrer"``; images
    keep only absolute http/https sources (an image without one is dropped). Anything else —
    scripts, styles, event handlers, iframes, forms, ``javascript:``/``data:`` URLs — is removed.
    """
    if not html or not html.strip():
        return ""

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "a" and attr == "href":
            return _absolute(value, base_url, _LINK_SCHEMES)
        if tag == "img" and attr == "src":
            return _absolute(value, base_url, _IMAGE_SCHEMES)
        return value

    if html.count("<") > _DEEP_CHECK_TAGS and _nesting_depth(html) > MAX_NESTING:
        # nh3's parser is quadratic in nesting depth (50,000 nested divs: 40 s); such markup is
        # hostile or broken, so keep its text as plain paragraphs.
        paragraphs = html_to_text(html).split("\n\n")
        return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    # The page title is shown apart; a heading inside the body is kept one level down.
    html = _H1_RE.sub(r"<\1h2", html)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        url_schemes=set(_LINK_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return _drop_empty_images(cleaned)


_H1_RE = re.compile(r"<(/?)h1\b", re.IGNORECASE)
MAX_NESTING = 400
_DEEP_CHECK_TAGS = 2 * MAX_NESTING
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


def _nesting_depth(html: str) -> int:
    """The deepest element nesting, counted from the tags alone (linear time)."""
    depth = deepest = 0
    for match in _TAG_RE.finditer(html):
        closing, tag, self_closing = match.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and tag.lower() not in _VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


_IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def _drop_empty_images(html: str) -> str:
    # An <img> whose src was refused is useless (and a tracking-pixel shape); nh3 keeps the bare tag.
    return _IMG_WITHOUT_SRC_RE.sub("", html).strip()


def _text_parts(root: lxml.html.HtmlElement) -> list[str]:
    # Iterative walk (hostile pages nest deeply): blocks open and close paragraphs, <br> breaks a line.
    parts: list[str] = []
    skipping = 0
    for event, el in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):
            if not skipping and el.tail:
                parts.append(el.tail)
            continue
        if event == "start":
            if tag in _SKIP_TEXT_TAGS:
                skipping += 1
            if skipping:
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            elif tag in _CELL_TAGS:
                parts.append(" ")
            elif tag == "br":
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if tag in _SKIP_TEXT_TAGS:
                skipping -= 1
            if skipping:
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            elif tag in _CELL_TAGS:
                parts.append(" ")
            if el.tail and el is not root:
                parts.append(el.tail)
    return parts


def element_text(el: lxml.html.HtmlElement) -> str:
    """Plain text of a parsed element: one paragraph per block element, blank lines between them."""
    text = "".join(_text_parts(el))
    paragraphs = (" ".join(chunk.split()) for chunk in _BLANK_LINES_RE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _fragment(html: str) -> lxml.html.HtmlElement | None:
    """An HTML fragment parsed under one <div>; None when lxml cannot (it asserts on a bare "<html>")."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError, AssertionError):
        return None


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by blank lines, whitespace collapsed."""
    if not html or not html.strip():
        return ""
    root = _fragment(html)
    if root is None:  # fall back to stripping tags
        return clean_text(re.sub(r"<[^>]*>", " ", html))
    return element_text(root)


_IMG_SRC_RE = re.compile(r"<img\b[^>]*?\ssrc=\"(https?://[^\"]{1,2000})\"", re.IGNORECASE)
_ANY_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


# A feed's entry often ends with a line that is only a short link: the outlet's section ("Markets"),
# "Read more", "Comments". It is navigation, not the article's words, and would end every teaser.
_TRAIL_MAX_WORDS = 4
_TRAIL_MIN_WORDS_LEFT = 5  # an entry that is nothing but a link keeps it
_LINE_BREAKS = BLOCK_TAGS | {"br"}


def without_link_trail(html: str) -> str:
    """Feed HTML without trailing lines that hold nothing but a link of at most four words."""
    root = _fragment(html) if "<a" in html.lower() else None
    if root is None:
        return html
    dropped = False
    for _ in range(3):  # "Markets" after "Read more"
        line = _trailing_link_line(root)
        if line is None:
            break
        before = line.getprevious()
        line.drop_tree()  # and keeps its tail: whitespace, since the link held the last words
        if before is not None and before.tag == "br" and not (before.tail or "").strip():
            before.drop_tree()
        dropped = True
    if not dropped:
        return html
    return "".join(
        [root.text or ""] + [lxml.html.tostring(child, encoding="unicode") for child in root]
    ).strip()


def _trailing_link_line(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    texts = root.xpath("//text()[normalize-space()]")
    if not texts:
        return None
    last = texts[-1].getparent()
    link = last if last.tag == "a" else next(last.iterancestors("a"), None)
    if link is None or link is root or (link.tail or "").strip():
        return None
    words = link.text_content().split()
    if not words or len(words) > _TRAIL_MAX_WORDS:
        return None
    # The line: the link, or the elements around it that hold nothing else; it must start a line.
    line = link
    while line.getparent() is not root and line.getparent().text_content().split() == words:
        line = line.getparent()
    before = line.getprevious()
    after_a_break = before is not None and before.tag in _LINE_BREAKS and not (before.tail or "").strip()
    if line.tag not in _LINE_BREAKS and not after_a_break:
        return None
    if len(root.text_content().split()) - len(words) < _TRAIL_MIN_WORDS_LEFT:
        return None
    return line


def first_image_url(clean_html: str) -> str:
    """The first picture's absolute URL in sanitised HTML (the lead image of a feed-only article)."""
    match = _IMG_SRC_RE.search(clean_html or "")
    return unescape(match.group(1)) if match else ""


def without_images(clean_html: str) -> str:
    """Sanitised HTML with its pictures taken out: pages never load a picture from another site (the
    lead image is shown from our own thumbnails instead)."""
    return _ANY_IMG_RE.sub("", clean_html) if "<img" in (clean_html or "").lower() else clean_html


def excerpt(html: str, limit: int) -> str:
    """The plain text of an HTML fragment cut to at most `limit` characters, at a word boundary (with
    "…" when cut): a cut on the text never leaves half a tag or half an entity, as a cut on markup does."""
    text = clean_text(html_to_text(html))
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


__all__ = [
    "ALLOWED_TAGS",
    "clean_article_html",
    "clean_text",
    "element_text",
    "excerpt",
    "first_image_url",
    "html_to_text",
    "without_images",
    "without_link_trail",
]
