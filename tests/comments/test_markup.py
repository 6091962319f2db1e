"""The comment renderer (pipeline/markup.py) and the article sanitizer against the XSS corpus, statically.

The browser tests (tests/e2e/test_xss.py) render the same corpus in chromium; these check the HTML
itself: only allow-listed tags and attributes, only http/https/mailto links, always rel=nofollow ugc.
"""

from __future__ import annotations

import lxml.html
import pytest

from newsdesk.pipeline.markup import ALLOWED_TAGS, count_links, render_comment
from newsdesk.pipeline.sanitize import ALLOWED_ATTRIBUTES as ARTICLE_ATTRIBUTES
from newsdesk.pipeline.sanitize import ALLOWED_TAGS as ARTICLE_TAGS
from newsdesk.pipeline.sanitize import clean_article_html
from tests.comments.xss_corpus import load

PAYLOADS = load()
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _elements(html: str):
    root = lxml.html.fragment_fromstring(html or "<span></span>", create_parent="div")
    return [el for el in root.iter() if el is not root and isinstance(el.tag, str)]


def test_the_corpus_has_over_200_payloads_in_every_category() -> None:
    assert len(PAYLOADS) >= 200
    categories = {p.category for p in PAYLOADS}
    assert {
        "script-tags",
        "event-handlers",
        "dangerous-urls",
        "svg-and-mathml",
        "css",
        "broken-markup",
        "encoded-forms",
        "mxss",
        "markdown",
    } <= categories


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{p.number}-{p.category}")
def test_comment_rendering_keeps_only_the_allow_list(payload) -> None:
    html = render_comment(payload.text)
    for el in _elements(html):
        assert el.tag in ALLOWED_TAGS, (el.tag, html)
        allowed = {"href", "rel"} if el.tag == "a" else set()
        assert set(el.attrib) <= allowed, (el.tag, dict(el.attrib), html)
        if el.tag == "a":
            assert el.get("href", "").startswith(SAFE_SCHEMES), html
            assert el.get("rel") == "nofollow ugc noopener"


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{p.number}-{p.category}")
def test_article_sanitizer_keeps_only_the_allow_list(payload) -> None:
    html = clean_article_html(f"<p>before</p>{payload.text}<p>after</p>", "https://outlet.example/story")
    for el in _elements(html):
        assert el.tag in ARTICLE_TAGS, (el.tag, html)
        # nh3's generic attributes (title, lang) are plain text in a quoted value: harmless.
        allowed = (
            set(ARTICLE_ATTRIBUTES.get(el.tag, set()))
            | {"title", "lang"}
            | ({"rel"} if el.tag == "a" else set())
        )
        assert set(el.attrib) <= allowed, (el.tag, dict(el.attrib), html)
        for attr in ("href", "src"):
            if attr in el.attrib:
                assert el.get(attr).startswith(SAFE_SCHEMES), html


def test_the_markdown_subset() -> None:
    html = render_comment(
        "*em* **strong** `x<y`\n\n> quoted\n\n- one\n- two\n\n1. first\n\n```\n<b>raw</b>\n```\n\n"
        "[site](https://example.org/a?b=1&c=2) <https://example.org/auto>\n# not a heading"
    )
    assert "<em>em</em> <strong>strong</strong> <code>x&lt;y</code>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html and "<ol>\n<li>first</li>\n</ol>" in html
    assert "<pre><code>&lt;b&gt;raw&lt;/b&gt;\n</code></pre>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">site</a>' in html
    assert (
        '<a href="https://example.org/auto" rel="nofollow ugc noopener">https://example.org/auto</a>' in html
    )
    assert "<h1" not in html and "# not a heading" in html


def test_links_are_counted_whether_marked_up_or_bare() -> None:
    assert count_links("no links here") == 0
    assert count_links("[a](https://a.example) and https://b.example and www.c.example") == 3
    assert count_links("[bad](javascript:alert(1))") == 0
