"""Readers' comments: a small Markdown subset rendered to HTML, then cleaned by an allow-list.

Supported: *emphasis*, **strong**, `code`, fenced and indented code blocks, > quotes, lists,
[links](https://…) and <https://…> autolinks, line breaks. Everything else stays literal text:
raw HTML is escaped by the parser (``html=False``), and whatever the parser emits is rebuilt by
nh3 with a short allow-list, so a payload has to beat two independent layers to reach a page.
Links keep only http/https/mailto targets and always get ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

MAX_SOURCE_CHARS = 10_000

ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
)
LINK_REL = "nofollow ugc noopener"
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK_RE = re.compile(r"<a\s", re.IGNORECASE)
_HREFLESS_A_RE = re.compile(r'<a rel="[^"]*">(.*?)</a>', re.DOTALL)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _parser() -> MarkdownIt:
    # "zero" has every rule off; only the subset above is switched on. No raw HTML, no images,
    # no headings, no tables: they would let a comment look like part of the page.
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable(["emphasis", "link", "autolink", "backticks", "fence", "code", "blockquote", "list", "newline"])
    md.enable(["escape", "entity"])
    md.options["maxNesting"] = 10  # deeply nested quotes/lists are a parser-time attack, not content
    # Only absolute http/https/mailto targets make a link; anything else stays the text typed.
    md.validateLink = lambda url: url.split(":", 1)[0].strip().lower() in _LINK_SCHEMES and ":" in url
    return md


_MD = _parser()


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        return value if scheme in _LINK_SCHEMES else None
    if tag == "a" and attr == "rel":
        return value
    return None  # nh3's generic attributes (title, lang) too: a comment needs none


def sanitize_comment_html(html: str) -> str:
    """The allow-list pass alone (also used on stored HTML that predates a renderer change)."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        attribute_filter=_attribute_filter,
        url_schemes=set(_LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # A link whose target was refused keeps its text, not an empty <a>.
    return _HREFLESS_A_RE.sub(r"\1", cleaned).strip()


def render_comment(source: str) -> str:
    """Safe HTML for a comment's Markdown source (cut to MAX_SOURCE_CHARS)."""
    source = source.replace("\x00", "\ufffd")[:MAX_SOURCE_CHARS]
    if not source.strip():
        return ""
    return sanitize_comment_html(_MD.render(source))


def count_links(source: str) -> int:
    """How many links a comment carries, rendered (<a>) or bare URLs a reader could copy."""
    rendered = len(_LINK_RE.findall(render_comment(source)))
    return max(rendered, len(_URL_RE.findall(source)))


def normalize_for_repeat(source: str) -> str:
    """The comment reduced to lower-case words, to spot the same text posted again."""
    return " ".join(re.findall(r"\w+", source.lower()))


__all__ = ["ALLOWED_TAGS", "LINK_REL", "count_links", "normalize_for_repeat", "render_comment"]
