"""Feed discovery from a web page: declared <link rel=alternate> feeds first, anchor guesses after."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.discovery import discover_feed_urls

PAGE = """<!doctype html>
<html><head>
  <meta charset="utf-8">
  <title>Example News</title>
  <link rel="stylesheet" href="/style.css">
  <link rel="alternate" type="application/rss+xml" title="All" href="/feeds/all.rss">
  <link rel="alternate" type="application/atom+xml" href="https://news.example/atom.xml">
  <link rel="alternate" type="application/rss+xml" href="/feeds/all.rss">
  <link rel="alternate feed" type="application/feed+json" href="feed.json">
  <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/12">
  <link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
  <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
  <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body>
  <a href="/about">About</a>
  <a href="/category/world/feed">World feed</a>
  <a href="https://other.example/podcast.rss">Podcast</a>
  <a href="/feeds/all.rss">duplicate of a declared feed</a>
  <a href="/sitemap.xml">Sitemap</a>
  <a href="/atom">Atom</a>
</body></html>"""


def test_declared_feeds_first_then_guesses_deduplicated_and_absolute() -> None:
    assert discover_feed_urls(PAGE, "https://news.example/section/index.html") == [
        "https://news.example/feeds/all.rss",
        "https://news.example/atom.xml",
        "https://news.example/section/feed.json",
        "https://news.example/category/world/feed",
        "https://other.example/podcast.rss",
        "https://news.example/atom",
    ]


def test_base_element_and_bytes_with_declared_charset() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><base href="https://cdn.example/blog/">'
        '<title>Caf\xe9</title><link rel=alternate type="application/rss+xml" href="rss.xml"></head></html>'
    ).encode("iso-8859-1")
    assert discover_feed_urls(page, "https://www.example/") == ["https://cdn.example/blog/rss.xml"]


def test_bytes_in_utf16_with_a_byte_order_mark() -> None:
    # Decoded as fetched pages are (pipeline.charset): the BOM wins, as in browsers.
    page = '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head></html>'
    encoded = "\ufeff".encode("utf-16-le") + page.encode("utf-16-le")
    assert discover_feed_urls(encoded, "https://www.example/") == ["https://www.example/atom.xml"]


def test_page_without_feeds() -> None:
    assert (
        discover_feed_urls("<html><body><a href='/news'>News</a></body></html>", "https://x.example/") == []
    )
    assert discover_feed_urls(b"", "https://x.example/") == []


def test_real_pages(shared_data: Path) -> None:
    pages = shared_data / "feeds/real/netnewswire/html-for-feed-discovery"
    found = {p.name: discover_feed_urls(p.read_bytes(), "https://site.example/") for p in pages.iterdir()}
    assert found["DaringFireball.html"] == ["https://site.example/feeds/main"]
    assert found["inessential.html"] == ["http://inessential.com/xml/rss.xml"]
    assert found["sixcolors.html"] == ["http://feedpress.me/sixcolors"]
    assert found["YouTubeTheVolvoRocks.html"][0].startswith(
        "https://www.youtube.com/feeds/videos.xml?channel_id="
    )
    assert all(urls for urls in found.values())


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_garbage_never_raises(html: bytes | str) -> None:
    for url in discover_feed_urls(html, "https://x.example/"):
        assert url.startswith(("http://", "https://"))
