"""Article extraction from real and hostile pages."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.extract import ExtractedArticle, ExtractionError, extract_article

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SYNTHETIC_URL = "https://gazette.example.com/news/2024/harbour-bridge-reopens?utm_source=feed"


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    import re

    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def _recall(expected: str, got: str) -> float:
    exp = _shingles(expected)
    return len(exp & _shingles(got)) / len(exp)


@pytest.fixture(scope="module")
def synthetic() -> ExtractedArticle:
    return extract_article((PAGES / "synthetic_article.html").read_bytes(), SYNTHETIC_URL)


def test_synthetic_page_metadata(synthetic: ExtractedArticle) -> None:
    assert synthetic.title == "Harbour bridge reopens after repairs"
    assert synthetic.author == "Maria Lindqvist"
    assert synthetic.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert synthetic.canonical_url == "https://gazette.example.com/news/2024/harbour-bridge-reopens"
    assert synthetic.lead_image_url == "https://gazette.example.com/images/bridge.jpg"
    assert synthetic.site_name == "The Example Gazette"
    assert synthetic.description.startswith("The bridge closed for eight months")
    assert synthetic.language == "en"


def test_synthetic_page_body_without_boilerplate(synthetic: ExtractedArticle) -> None:
    text = synthetic.text
    assert text.startswith("The harbour bridge reopened to traffic on Tuesday morning")
    assert "new lighting that was installed as part of the repairs." in text
    assert len(text.split("\n\n")) >= 5  # paragraphs kept apart
    for junk in (
        "ZX-COMMENT-MARKER",
        "WIDGETS",
        "Subscribe now",
        "Related stories",
        "All rights reserved",
        "Weather",
    ):
        assert junk not in text
        assert junk not in synthetic.html
    assert "<script" not in synthetic.html and "<p>" in synthetic.html
    assert synthetic.quality >= 0.7
    assert synthetic.method in {"trafilatura", "readability", "combined"}


def test_arabic_page_text(shared_data: Path) -> None:
    # expected body text shipped with newspaper4k's test data (copied beside the page)
    article = extract_article((PAGES / "arabic_article.html").read_bytes(), "https://arabic.cnn.com/")
    expected = (PAGES / "arabic_article.expected.txt").read_text(encoding="utf-8")
    assert article.title.startswith("معارضون يسيطرون على مخازن للصواريخ بريف دمشق")
    assert article.language == "ar"
    assert _recall(expected, article.text) > 0.9


def test_chinese_page_metadata() -> None:
    meta = json.loads((PAGES / "chinese_article_002.metadata.json").read_text(encoding="utf-8"))
    article = extract_article((PAGES / "chinese_article_002.html").read_bytes(), meta["url"])
    assert article.title.startswith(meta["title"])
    assert article.language == "zh"
    assert article.published is not None and article.published.date().isoformat() == "2023-11-17"
    assert article.published.tzinfo is not None
    assert len(article.text) > 300


@pytest.mark.parametrize(
    ("name", "author", "day"),
    [
        ("cnn_article", "Dana A. Ford", "2013-11-27"),
        ("fox13now_001", "CNN Wire", "2013-12-30"),
        ("yna_co_kr", "", "2019-08-20"),
    ],
)
def test_real_pages_from_shared_data(shared_data: Path, name: str, author: str, day: str) -> None:
    base = shared_data / "articles-html" / "newspaper4k"
    meta = json.loads((base / "metadata" / f"{name}.json").read_text(encoding="utf-8"))
    article = extract_article((base / "html" / f"{name}.html").read_bytes(), meta["url"])
    expected = (base / "txt" / f"{name}.txt").read_text(encoding="utf-8")
    assert _recall(expected, article.text) > 0.95
    assert _recall(article.text, expected) > 0.9  # little beyond the expected body
    assert article.title[:30] == meta["title"][:30]
    assert author in article.author
    assert article.published is not None and article.published.date().isoformat() == day


# The second opinion (readability) runs only when trafilatura's body looks doubtful; the extractor logs
# each time it asks, with the reason, at DEBUG on its own logger.
EXTRACT_LOG = "newsdesk.pipeline.extract"


def _second_opinions(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("second opinion")]


def test_clean_page_gets_no_second_opinion(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=EXTRACT_LOG):
        article = extract_article((PAGES / "synthetic_article.html").read_bytes(), SYNTHETIC_URL)
    assert _second_opinions(caplog) == []
    assert article.method == "trafilatura"
    assert article.text.startswith("The harbour bridge reopened") and "Related stories" not in article.text


def test_page_trafilatura_cuts_short_gets_the_second_opinion(
    shared_data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A long wired.com story of which trafilatura keeps only the first 40%; the page's own paragraphs
    # hold far more text, so readability is asked, and its fuller body wins.
    base = shared_data / "extraction" / "scrapinghub"
    item = "2f42ef1d3ea0c96e56355d3db93d0e06b47e760b74f6f4261278b8cd1c246dd6"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))[item]
    page = gzip.decompress((base / "html" / f"{item}.html.gz").read_bytes())
    with caplog.at_level(logging.DEBUG, logger=EXTRACT_LOG):
        article = extract_article(page, truth["url"])
    assert [m.split(": ")[-1] for m in _second_opinions(caplog)] == ["the page states much more text"]
    assert article.method == "readability"
    assert _recall(truth["articleBody"], article.text) > 0.95


def test_page_stating_a_longer_body_gets_the_second_opinion(caplog: pytest.LogCaptureFixture) -> None:
    # JSON-LD articleBody three times the visible story: the visible one may be cut short.
    page = (PAGES / "synthetic_article.html").read_text(encoding="utf-8")
    stated = json.dumps({"@type": "NewsArticle", "articleBody": "The harbour bridge reopened. " * 120})
    page = page.replace("</head>", f'<script type="application/ld+json">{stated}</script></head>')
    with caplog.at_level(logging.DEBUG, logger=EXTRACT_LOG):
        article = extract_article(page, SYNTHETIC_URL)
    assert len(_second_opinions(caplog)) == 1
    assert article.text.startswith("The harbour bridge reopened to traffic on Tuesday morning")


def test_newsletter_box_after_the_story_gets_the_second_opinion(caplog: pytest.LogCaptureFixture) -> None:
    page = (PAGES / "synthetic_article.html").read_text(encoding="utf-8")
    box = "<p>Sign up for our morning newsletter: https://gazette.example.com/newsletters</p>"
    page = page.replace("</article>", f"{box}</article>", 1)
    with caplog.at_level(logging.DEBUG, logger=EXTRACT_LOG):
        extract_article(page, SYNTHETIC_URL)
    assert [m.split(": ")[-1] for m in _second_opinions(caplog)] == ["template-like last block"]


STUB_PAGE = """<html><head><title>Subscribe to read</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>Council approves new budget</h1><p>This story is for subscribers only. Sign in to keep reading
the full article about the council's vote on the city's budget for next year.</p></article></body></html>"""
FEED_HTML = (
    "".join(
        f"<p>Paragraph {i}: the council approved a budget of 1.2 billion euros on Thursday, with more money "
        f"for schools and public transport and less for road building, after a long debate.</p>"
        for i in range(6)
    )
    + "<script>alert(1)</script><p><a href='javascript:evil()'>bad</a></p>"
)


def test_feed_content_replaces_a_stub_page() -> None:
    article = extract_article(
        STUB_PAGE, "https://city.example/budget", feed_html=FEED_HTML, feed_title="Budget"
    )
    assert article.method == "feed"
    assert "Paragraph 5: the council approved" in article.text
    assert "subscribers only" not in article.text
    assert "<script" not in article.html and "javascript" not in article.html


def test_feed_content_used_when_page_fails_entirely() -> None:
    article = extract_article(b"", "https://city.example/budget", feed_html=FEED_HTML, feed_title="Budget")
    assert article.method == "feed" and article.title == "Budget"


def test_full_page_wins_over_a_short_feed_summary(synthetic: ExtractedArticle) -> None:
    article = extract_article(
        (PAGES / "synthetic_article.html").read_bytes(),
        SYNTHETIC_URL,
        feed_html="<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs.</p>",
    )
    assert article.method != "feed"
    assert article.text == synthetic.text


@pytest.mark.parametrize(
    "page",
    [
        "",
        b"",
        "   \n\t ",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        "just some plain words, no markup at all",
        "<html><body><p>Too short.</p></body></html>",
        "<html><body><nav><a href='/a'>A</a><a href='/b'>B</a></nav></body></html>",
    ],
)
def test_non_articles_raise_extraction_error(page: str | bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_article(page, "https://example.com/x")


def test_wrong_input_type_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        extract_article(12345, "https://example.com/x")  # type: ignore[arg-type]


def test_legacy_encoding_is_decoded() -> None:
    body = (
        "<p>"
        + "Ökonomen überraschen: die Märkte schließen höher als erwartet, sagt die Zentralbank. " * 4
        + "</p>"
    )
    page = f'<html><head><meta charset="iso-8859-1"></head><body><article>{body}</article></body></html>'
    article = extract_article(page.encode("iso-8859-1"), "https://example.de/a")
    assert "Ökonomen überraschen" in article.text
    assert article.language == "de"


_TAGS = st.sampled_from(
    [
        *("<p>", "</p>", "<div>", "</div>", "<script>", "<a href='javascript:x'>", "<table>", "<html>"),
        *("<body>", "<!--", "-->", "<meta charset='x-bogus'>", "<?xml version='1.0'?>", "<svg onload=x>"),
        *("&#0;", "&amp;", "\x00", "<article>", "<h1>", "<br/>"),
    ]
)
_WORDS = st.text(min_size=0, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TAGS, _WORDS), max_size=60), st.booleans())
def test_random_html_only_raises_extraction_error(parts: list[str], as_bytes: bool) -> None:
    page = "".join(parts)
    data: str | bytes = page.encode("utf-8", "surrogatepass") if as_bytes else page
    try:
        article = extract_article(data, "https://example.com/r", feed_html=page)
    except ExtractionError:
        return
    assert "<script" not in article.html
    assert 0.0 <= article.quality <= 1.0


@pytest.mark.parametrize("meta", ["", "<meta charset='iso-8859-1'>"])
def test_stored_windows_1252_page_keeps_its_quotes_and_accents(meta: str) -> None:
    """A page read back from the raw store (bytes, no Content-Type) is decoded as the fetcher decodes it:
    undeclared legacy bytes as windows-1252, a latin-1 label read as windows-1252 (as browsers do)."""
    para = (
        "<p>“Crème brûlée” is the café’s best dessert – naïve critics say so, and the chef’s façade "
        "agrees with every word of it here.</p>"
    )
    page = f"<html><head>{meta}<title>Café</title></head><body><article><h1>Café news</h1>{para * 6}"
    page += "</article></body></html>"
    text = extract_article(page.encode("cp1252"), "https://example.com/a").text
    assert "“Crème brûlée” is the café’s best dessert – naïve critics" in text
