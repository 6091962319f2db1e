"""End to end over real HTTP: add feeds served on loopback, refresh, read the pages.

The feeds are real captures (FT, NYT, WSJ, Economist) and real article pages from
../shared/data, served by a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.flow.adding import add_url
from newsdesk.flow.work import refresh_sources, wait_until_idle
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, hang, static

pytestmark = [pytest.mark.django_db(transaction=True)]

PAGES = [
    "reuters.com.parasite.html",
    "theguardian.com.academics.html",
    "phys.org.tool.html",
    "salon.com.emissions.html",
]


def _article_feed(server: LoopbackServer) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{server.url('/pages/' + name)}</link><guid>page-{i}</guid>"
        f"<pubDate>Mon, 0{i + 1} Dec 2025 10:00:00 GMT</pubDate><description>Teaser {i}.</description></item>"
        for i, name in enumerate(PAGES)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Outlet</title>'
        f"<link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def server(shared_data: Path, settings) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    reset_fetcher()
    with LoopbackServer() as srv:
        srv.serve_dir("/rssarch", shared_data / "rss-feeds-rssarch")
        srv.serve_dir("/pages", shared_data / "articles-html" / "trafilatura")
        srv.route("/outlet.xml", static(_article_feed(srv), content_type="application/rss+xml"))
        srv.route("/gone.xml", static(b"<h1>Not Found</h1>", status=404))
        srv.route("/hangs.xml", hang())
        srv.route(
            "/home.html",
            static(
                '<html><head><link rel="alternate" type="application/rss+xml" '
                f'href="{srv.url("/outlet.xml")}">'
                "</head><body>Home</body></html>".encode()
            ),
        )
        yield srv
    reset_fetcher()


def test_add_refresh_and_read(server: LoopbackServer, client) -> None:
    added = [
        add_url(server.url("/rssarch/ft-home/2025-06-01T1613.xml")),
        add_url(server.url("/rssarch/nyt_econ/2025-06-02T1616.xml")),
        add_url(server.url("/home.html")),  # autodiscovery finds /outlet.xml
    ]
    assert [a.how for a in added] == ["feed", "feed", "discovered"]
    gone = Source.objects.create(url=server.url("/gone.xml"), canonical_url=server.url("/gone.xml"))
    hanging = Source.objects.create(url=server.url("/hangs.xml"), canonical_url=server.url("/hangs.xml"))

    refresh_sources(list(Source.objects.values_list("pk", flat=True)), threads=4)
    wait_until_idle(threads=2)

    # Every article reached the final stage; nothing is left half-done.
    assert Article.objects.count() > 20
    assert not Article.objects.exclude(stage=FINAL_STAGE).exists()

    # Pages fetched over HTTP were extracted from the page, not the teaser.
    outlet = Article.objects.filter(source=added[2].source)
    assert outlet.count() == len(PAGES)
    assert all(a.extraction_method != "feed" and len(a.text) > 500 for a in outlet)

    front = client.get("/").content.decode()
    assert "Story 0" in front and " ago" in front
    story = outlet.get(guid="page-0")
    page = client.get(f"/article/{story.pk}/").content.decode()
    assert "Loopback Outlet" in page and "Read the original" in page
    assert re.search(r'<time datetime="2025-12-01T10:00:00\+00:00" title="[^"]+"', page)
    assert "<script" not in page.split('<div class="body">')[1].split("</div>")[0]

    sources_page = client.get("/sources/").content.decode()
    gone.refresh_from_db()
    hanging.refresh_from_db()
    assert gone.health == "failing" and "404" in gone.last_error
    assert hanging.health == "failing" and "3" in hanging.last_error  # says how long it waited
    assert gone.last_error in sources_page and hanging.last_error in sources_page
    assert gone.next_fetch_at is not None and gone.next_fetch_at > gone.last_fetch_at


def test_second_refresh_uses_conditional_get(server: LoopbackServer) -> None:
    added = add_url(server.url("/rssarch/wsj_world/2025-06-02T1616.xml"))
    refresh_sources([added.source.pk], threads=1)
    count = Article.objects.count()
    source = Source.objects.get(pk=added.source.pk)
    assert source.etag
    refresh_sources([source.pk], threads=1)
    source.refresh_from_db()
    assert source.attempts.first().message == "not modified since the last fetch"
    assert Article.objects.count() == count
