"""Article page → clean article text, safe HTML, metadata and a quality score.

trafilatura is the primary extractor and readability-lxml the second opinion. They fail on different
pages, so neither is trusted blindly; the page is parsed once and both read one copy of that tree,
stripped of what is never article text (``_content_tree``):

* When readability's text lies almost wholly inside trafilatura's, the two agree on the article, and
  trafilatura's blocks *before the first and after the last block readability also found* are
  template (headline and standfirst repeated, newsletter boxes, "about us", related links). Blocks
  between agreed ones stay: embedded tweets and quotes that readability drops are part of the story.
* When trafilatura's text lies inside readability's and readability's is much longer, mostly in
  prose paragraphs, trafilatura stopped early (it cuts some long stories short): readability wins.

Readability costs almost as much as trafilatura, so it is only asked when trafilatura's body looks
doubtful (``_doubt``): too few blocks, much less text than the page itself states (JSON-LD articleBody,
a sole ``<article>``, all its ``<p>``), or template-looking edges (a label, URL, boilerplate words or
the standfirst first; boilerplate or a URL last). A body with none of those signs is what the
combination above would keep anyway on most pages. Measured on the scrapinghub benchmark: 62% of
pages ask, F1 0.9736 against 0.9737 when every page asks (``python -m benchmarks.extraction`` prints
the share that asks).

trafilatura runs in its fast mode: its slow mode only adds its own internal fallbacks, which the second
opinion above replaces (measured: better F1 and faster, see ``benchmarks/extraction.py``).

The page's metadata (title, author, date, image, canonical URL) is ``pagemeta``; bytes become text in
``charset``. What remains is one module of ~560 lines because the two extractors' runs, the doubt test,
the combination and the quality score all work on the same block lists (``_Body``) and thresholds.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement
from readability import Document as _ReadabilityDocument
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.xml import xmltotxt

from newsdesk.pipeline.charset import decode_text
from newsdesk.pipeline.language import detect_language
from newsdesk.pipeline.pagemeta import LIBRARY_ERRORS, PageMetadata, fill_metadata_gaps, page_metadata
from newsdesk.pipeline.sanitize import clean_article_html, clean_text, element_text, html_to_text

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 100
"""Less article text than this is not an article (a stub, an error page, a paywall teaser)."""
MAX_PAGE_CHARS = 15 * 1024 * 1024
"""Pages beyond the fetcher's body cap are refused rather than parsed."""

# Combination thresholds (see the module docstring). Support is the share of a block's 3-word shingles
# found in the other extractor's text; coverage is the share of an extraction's words in supported blocks.
_SUPPORTED = 0.5
_CONTAINED = 0.9
_TRAF_INSIDE_READ = 0.8
_READ_LONGER = 1.5
_PROSE_SHARE = 0.6
_PROSE_MIN_WORDS = 10

# When to ask readability (see ``_doubt``): fewer blocks than this, a page stating this many times more
# text than trafilatura found, an edge block shorter than these many characters.
_FEW_BLOCKS = 4
_TRUNCATED = 2.0
_LABEL_CHARS = 100
_TEMPLATE_CHARS = 200
_SIMILAR = 0.8
# Agreement credited to a body nobody second-guessed: about what the two extractors reach on clean pages.
_UNCHECKED_AGREEMENT = 0.9

_WORD_RE = re.compile(r"\w+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END_RE = re.compile(r"[.!?…。！？;:\"”’'»)\]]\s*$")
_BOILERPLATE_RE = re.compile(
    r"\b(subscribe|sign up|newsletter|cookies?|all rights reserved|advertisement|related (articles|stories)"
    r"|share (this|on)|follow us|read more|click here|comments?)\b",
    re.IGNORECASE,
)
# Template words seen at the edges of trafilatura's bodies (newsletter boxes, credits, share bars).
_EDGE_TEMPLATE_RE = re.compile(
    r"\b(subscribe|subscription|sign(ed)? up|newsletters?|cookies?|all rights reserved|copyright"
    r"|advertisement|related (articles|stories)|share (this|on)|follow (us|\w+ on)|read more|click here"
    r"|comments?|source:|reprints?|you may also like|popular on)\b|©",
    re.IGNORECASE,
)
_URL_IN_TEXT_RE = re.compile(r"https?://|www\.", re.IGNORECASE)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x00\x00")


@dataclass(frozen=True)
class ExtractedArticle:
    """What a page says as an article. ``html`` is already sanitised; ``text`` has blank-line paragraphs."""

    title: str
    author: str
    published: datetime | None
    text: str
    html: str
    lead_image_url: str
    canonical_url: str
    language: str
    description: str
    site_name: str
    quality: float
    method: str


class ExtractionError(Exception):
    """The input is not an article page: empty, not HTML, or too little text to be an article."""


@dataclass(frozen=True)
class _Block:
    text: str
    html: str


@dataclass(frozen=True)
class _Body:
    blocks: tuple[_Block, ...]
    method: str

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text)

    @property
    def html(self) -> str:
        return "\n".join(b.html for b in self.blocks)


# ---------------------------------------------------------------------------------------------------
# public entry point


def extract_article(
    html: str | bytes, url: str, *, feed_html: str = "", feed_title: str = ""
) -> ExtractedArticle:
    """Extract the article from a fetched page.

    ``feed_html`` is the feed entry's own content: it is used instead of the page when the page yields
    nothing or clearly less (a stub, a teaser, a consent wall). Raises ExtractionError when neither
    gives an article.
    """
    page_error: ExtractionError | None = None
    article: ExtractedArticle | None = None
    metadata = PageMetadata()
    try:
        tree = _parse(_decode(html))
        metadata = page_metadata(tree, url)
        article = _extract_from_tree(tree, url, metadata, feed_title)
    except ExtractionError as exc:
        page_error = exc
    if feed_html:
        feed_article = _from_feed(feed_html, url, feed_title, metadata)
        if feed_article is not None and _feed_is_better(article, feed_article):
            return feed_article
    if article is None:
        raise page_error or ExtractionError("no article text found on the page")
    return article


# ---------------------------------------------------------------------------------------------------
# input


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        text = html
    elif isinstance(html, bytes | bytearray | memoryview):
        raw = bytes(html)
        if not raw.strip():
            raise ExtractionError("the page is empty")
        head = raw[:1024].lstrip()
        if head.startswith(_BINARY_MAGIC) or b"\x00" in raw[:4096]:
            raise ExtractionError("the page is binary data, not HTML")
        text = decode_text(raw)  # the fetch's own decoder: the raw store keeps no Content-Type
    else:
        raise ExtractionError(f"the page must be str or bytes, not {type(html).__name__}")
    if len(text) > MAX_PAGE_CHARS:
        raise ExtractionError("the page is too large to be an article")
    if not text.strip():
        raise ExtractionError("the page is empty")
    if "\x00" in text[:4096]:
        raise ExtractionError("the page is binary data, not HTML")
    if "<" not in text:
        raise ExtractionError("the page is not HTML (no markup)")
    # Control characters are invalid in HTML and make lxml refuse text nodes deep inside the libraries.
    return _CONTROL_RE.sub("", text)


def _parse(text: str) -> HtmlElement:
    # lxml refuses str with an encoding declaration; the XML prolog is meaningless once decoded.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError, AssertionError) as exc:
        raise ExtractionError(f"the page could not be parsed as HTML ({exc})") from exc
    if tree is None or not isinstance(tree, HtmlElement):
        raise ExtractionError("the page could not be parsed as HTML")
    return tree


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)


# ---------------------------------------------------------------------------------------------------
# extraction


def _extract_from_tree(tree: HtmlElement, url: str, meta: PageMetadata, feed_title: str) -> ExtractedArticle:
    title = meta.title or feed_title
    doc = _content_tree(tree)
    traf = _run_trafilatura(doc, url)
    body, agreement = _without_headline(traf, title), _UNCHECKED_AGREEMENT
    reason = _doubt(body, doc, meta, title)
    # before readability, which consumes ``doc``
    meta = fill_metadata_gaps(meta, tree, doc, url)
    if reason:
        log.debug("second opinion on %s: %s", url, reason)
        read_body = _readability_body(_run_readability(doc, tree))
        combined, agreement = _combine(traf, read_body)
        body = _without_headline(combined, title)
    text = body.text
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError("the page has too little article text")
    clean_html = clean_article_html(body.html, meta.canonical_url or url)
    return _article(meta, url, feed_title, text, clean_html, agreement, body.method)


def _article(
    meta: PageMetadata, url: str, feed_title: str, text: str, html: str, agreement: float, method: str
) -> ExtractedArticle:
    """The article from its body (page or feed) and what the page states about itself."""
    return ExtractedArticle(
        title=meta.title or clean_text(feed_title),
        author=meta.author,
        published=meta.published,
        text=text,
        html=html,
        lead_image_url=meta.lead_image_url,
        canonical_url=meta.canonical_url or url,
        language=detect_language(text),
        description=meta.description,
        site_name=meta.site_name,
        quality=_quality(text, html, agreement),
        method=method,
    )


def _run_trafilatura(doc: HtmlElement, url: str) -> _Body:
    try:
        # trafilatura copies a tree it is handed, so ``doc`` stays intact for readability.
        document = trafilatura.bare_extraction(
            doc,
            url=url or None,
            fast=True,
            include_comments=False,
            # Links and images make trafilatura keep link lists and captions (F1 0.90 / 0.93 instead of
            # 0.96 here), so the body is chosen without them; formatting is harmless.
            include_formatting=True,
        )
    except LIBRARY_ERRORS as exc:
        # trafilatura raises these on odd trees; the page then simply gets no opinion from it
        log.debug("trafilatura failed on %s: %s", url, exc)
        return _Body((), "trafilatura")
    if document is None or getattr(document, "body", None) is None:
        return _Body((), "trafilatura")
    texts = [xmltotxt(child, False).strip() for child in document.body]
    body_el = convert_to_html(document.body).find("body")
    blocks: list[_Block] = []
    for child, text in zip(list(body_el) if body_el is not None else [], texts, strict=False):
        child.tail = None
        blocks.append(_Block(clean_text(text), lxml.html.tostring(child, encoding="unicode")))
    return _Body(tuple(blocks), "trafilatura")


def _content_tree(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without what is never article text, for both extractors.

    Scripts, styles, navigation, footers, asides and widgets: both extractors drop them anyway, but
    only after matching their scoring and pruning rules against every node inside (a fifth of
    trafilatura's time, a quarter of readability's; same F1 on the benchmark). Forms stay: some sites
    wrap the whole page in one. The original tree stays intact for the metadata.
    """
    doc = copy.deepcopy(tree)
    lxml.etree.strip_elements(doc, *_NEVER_ARTICLE_TAGS, lxml.etree.Comment, with_tail=False)
    return doc


class _ParsedReadability(_ReadabilityDocument):  # type: ignore[misc]
    """readability's Document reading our (already stripped) content tree, which it consumes.

    readability 0.9 re-parses the page and runs lxml's Cleaner over it, which rewrites every link to
    strip ``javascript:`` URLs — half its time. Our output goes through nh3 anyway, so the cheap strip
    of ``_content_tree`` does the same job here. readability asks for a fresh tree again when its
    first, ruthless pass finds too little; ``fresh`` makes one then (rare, so no copy up front).
    (Overrides readability's ``_parse``; version pinned.)
    """

    def __init__(self, doc: HtmlElement, fresh: Callable[[], HtmlElement]) -> None:
        super().__init__("")
        self._doc: HtmlElement | None = doc
        self._fresh = fresh

    def _parse(self, input: Any) -> HtmlElement:
        doc, self._doc = self._doc, None
        if doc is None:
            doc = self._fresh()
        for elem in doc.xpath("//body//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//body//*[@style]"):
            if _DISPLAY_NONE_RE.search(elem.get("style", "")):
                elem.drop_tree()
        return doc


_NEVER_ARTICLE_TAGS = (
    *("script", "style", "link", "nav", "footer", "aside"),
    *("iframe", "svg", "button", "select", "noscript", "template"),
)
_DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _run_readability(doc: HtmlElement, tree: HtmlElement) -> str:
    """readability's summary of ``doc``, the ``_content_tree`` of ``tree`` (which it consumes)."""
    try:
        return str(_ParsedReadability(doc, lambda: _content_tree(tree)).summary(html_partial=True))
    except Exception as exc:
        # A second opinion that cannot be formed is no opinion; never the caller's problem.
        log.debug("readability failed: %s", exc)
        return ""


def _readability_body(summary_html: str) -> _Body:
    if not summary_html.strip():
        return _Body((), "readability")
    try:
        root = lxml.html.fragment_fromstring(summary_html, create_parent="div")
    except (lxml.etree.ParserError, ValueError, AssertionError):
        return _Body((), "readability")
    # Readability's summary is one nested tree; for comparison its paragraphs are enough, and if it
    # wins the whole summary is the HTML.
    paragraphs = [p for p in element_text(root).split("\n\n") if p]
    blocks = [_Block(p, "") for p in paragraphs]
    if blocks:
        blocks[0] = _Block(blocks[0].text, summary_html)
    return _Body(tuple(blocks), "readability")


# ---------------------------------------------------------------------------------------------------
# combining the two opinions


def _tokens(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def _shingles(tokens: list[str], n: int = 3) -> set[tuple[str, ...]]:
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _support(tokens: list[str], other: set[tuple[str, ...]]) -> float:
    own = _shingles(tokens)
    return sum(1 for s in own if s in other) / len(own) if own else 0.0


def _is_prose(text: str, n_words: int) -> bool:
    return n_words >= _PROSE_MIN_WORDS and _SENTENCE_END_RE.search(text) is not None


def _combine(traf: _Body, read: _Body) -> tuple[_Body, float]:
    """The better body and how far the two extractors agree on it (0..1)."""
    t_tokens = [_tokens(b.text) for b in traf.blocks]
    r_tokens = [_tokens(b.text) for b in read.blocks]
    t_words, r_words = sum(map(len, t_tokens)), sum(map(len, r_tokens))
    if not t_words or not r_words:
        return (traf if t_words else read), 0.0
    t_sh = _shingles([w for ts in t_tokens for w in ts])
    r_sh = _shingles([w for ts in r_tokens for w in ts])
    t_supported = [_support(ts, r_sh) >= _SUPPORTED for ts in t_tokens]
    r_supported = [_support(ts, t_sh) >= _SUPPORTED for ts in r_tokens]
    t_cover = sum(len(ts) for ts, ok in zip(t_tokens, t_supported, strict=True) if ok) / t_words
    r_cover = sum(len(ts) for ts, ok in zip(r_tokens, r_supported, strict=True) if ok) / r_words

    if t_cover >= _TRAF_INSIDE_READ and r_words >= _READ_LONGER * t_words:
        extra = [
            (b.text, len(ts)) for b, ts, ok in zip(read.blocks, r_tokens, r_supported, strict=True) if not ok
        ]
        extra_words = sum(n for _, n in extra)
        prose_words = sum(n for text, n in extra if _is_prose(text, n))
        if extra_words and prose_words / extra_words >= _PROSE_SHARE:
            return read, t_words / r_words

    if r_cover >= _CONTAINED:
        agreed = [i for i, ok in enumerate(t_supported) if ok]
        if agreed and (agreed[0] > 0 or agreed[-1] < len(traf.blocks) - 1):
            kept = traf.blocks[agreed[0] : agreed[-1] + 1]
            kept_words = sum(map(len, t_tokens[agreed[0] : agreed[-1] + 1]))
            return _Body(kept, "combined"), min(1.0, r_words / max(kept_words, 1))
        return traf, min(1.0, r_words / t_words)
    return traf, (t_cover * t_words + r_cover * r_words) / (t_words + r_words)


def _without_headline(body: _Body, title: str) -> _Body:
    # The headline is shown apart from the body; repeated as its first block it is noise.
    if len(body.blocks) > 1 and title and _tokens(body.blocks[0].text) == _tokens(title):
        first, second = body.blocks[0], body.blocks[1]
        # readability keeps its whole summary HTML on the first block; carry it over
        if first.html and not second.html:
            return body
        return _Body(body.blocks[1:], body.method)
    return body


# ---------------------------------------------------------------------------------------------------
# when to ask for a second opinion


def _doubt(body: _Body, doc: HtmlElement, meta: PageMetadata, title: str) -> str:
    """Why trafilatura's body (headline already dropped) needs readability's opinion; '' when it does not.

    The signs are those of the two failures the combination repairs: template kept at the edges
    (standfirst, section labels, datelines, newsletter boxes, credits, link lists) and a story cut short.
    """
    texts = [b.text for b in body.blocks if b.text]
    if len(texts) < _FEW_BLOCKS:
        return "few blocks"
    first, last = texts[0], texts[-1]
    if _looks_like_template(first) or _looks_like_label(first):
        return "template-like first block"
    # A first block saying what the description says is a standfirst the template may have added; one
    # that also restates the headline is the story's own lead (news style), which trafilatura rightly kept.
    if (
        meta.description
        and _overlap(first, meta.description) >= _SIMILAR
        and not (title and _overlap(first, title) >= _SIMILAR)
    ):
        return "first block is the standfirst"
    if _looks_like_template(last):
        return "template-like last block"
    found = sum(len(t) for t in texts)
    if _stated_length(doc, meta, _TRUNCATED * found) > _TRUNCATED * found:
        return "the page states much more text"
    return ""


def _looks_like_template(text: str) -> bool:
    # Story paragraphs rarely spell out URLs; credits, reprint notes and link lists do, at any length.
    if _URL_IN_TEXT_RE.search(text):
        return True
    return len(text) < _TEMPLATE_CHARS and _EDGE_TEMPLATE_RE.search(text) is not None


def _looks_like_label(text: str) -> bool:
    # A section name, dateline, kicker or headline variant: short and not a sentence.
    return len(text) < _LABEL_CHARS and _SENTENCE_END_RE.search(text) is None


def _overlap(a: str, b: str) -> float:
    """Share of the smaller text's distinct words found in the other."""
    words_a, words_b = set(_tokens(a)), set(_tokens(b))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def _stated_length(doc: HtmlElement, meta: PageMetadata, enough: float) -> int:
    """The longest article text length the page itself suggests, measured only until it exceeds ``enough``.

    JSON-LD articleBody first, then the content tree's only ``<article>``, then all its paragraphs (which
    also hold comments and teasers: only a large excess over trafilatura's text counts).
    """
    if meta.stated_body_chars > enough:
        return meta.stated_body_chars
    articles = doc.xpath("//body//article")
    if len(articles) == 1:
        article_chars = len(element_text(articles[0]))
        if article_chars > enough:
            return article_chars
    total = 0
    for paragraph in doc.iterfind(".//body//p"):
        total += len(clean_text(paragraph.text_content()))
        if total > enough:
            break
    return max(total, meta.stated_body_chars)


# ---------------------------------------------------------------------------------------------------
# quality


def _quality(text: str, html: str, agreement: float) -> float:
    """0..1: how much we trust this is the full article body."""
    words = len(_WORD_RE.findall(text))
    length = min(1.0, words / 250)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    prose = sum(len(_WORD_RE.findall(p)) for p in paragraphs if _is_prose(p, len(_WORD_RE.findall(p))))
    structure = prose / words if words else 0.0
    boiler = sum(1 for p in paragraphs if len(p) < 120 and _BOILERPLATE_RE.search(p))
    boilerplate = boiler / len(paragraphs) if paragraphs else 1.0
    link_density = _link_density(html, len(text))
    score = (
        0.30 * length
        + 0.30 * agreement
        + 0.20 * structure
        + 0.10 * (1.0 - min(1.0, 2 * link_density))
        + 0.10 * (1.0 - boilerplate)
    )
    return round(max(0.0, min(1.0, score)), 3)


_ANCHOR_TEXT_RE = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def _link_density(html: str, text_chars: int) -> float:
    if not text_chars:
        return 1.0
    anchor_chars = sum(len(clean_text(_TAG_RE.sub("", m))) for m in _ANCHOR_TEXT_RE.findall(html))
    return min(1.0, anchor_chars / text_chars)


# ---------------------------------------------------------------------------------------------------
# feed fallback


def _from_feed(feed_html: str, url: str, feed_title: str, meta: PageMetadata) -> ExtractedArticle | None:
    if not isinstance(feed_html, str) or not feed_html.strip():
        return None
    base = meta.canonical_url or url
    html = clean_article_html(feed_html, base)
    text = html_to_text(html)
    if len(text) < MIN_TEXT_CHARS:
        return None
    return _article(meta, url, feed_title, text, html, 0.5, "feed")


def _feed_is_better(page: ExtractedArticle | None, feed: ExtractedArticle) -> bool:
    if page is None:
        return True
    page_words, feed_words = len(_WORD_RE.findall(page.text)), len(_WORD_RE.findall(feed.text))
    # A page that says much less than the feed entry itself is a teaser, consent wall or stub.
    if page_words < 0.6 * feed_words:
        return True
    return page.quality < 0.35 and feed.quality > page.quality


__all__ = ["MIN_TEXT_CHARS", "ExtractedArticle", "ExtractionError", "extract_article"]
