"""Hostile feed servers over loopback: items edited under the same GUIDs, content types that lie."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.flow.adding import AddError, add_url
from newsdesk.flow.work import refresh_sources, run_until_idle
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static

pytestmark = [pytest.mark.django_db(transaction=True)]

BODY = "The port authority said {n} ships were waiting outside the harbour on {day} morning. " * 5


def _feed(items: list[tuple[str, str, str]]) -> bytes:
    xml = "".join(
        f"<item><title>{title}</title><guid isPermaLink='false'>{guid}</guid>"
        f"<link>https://harbour.example/{guid}</link><description>{text}</description></item>"
        for guid, title, text in items
    )
    channel = f"<channel><title>Harbour</title>{xml}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


@pytest.fixture
def server(settings) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False  # the feed's own text is what is edited
    reset_fetcher()
    with LoopbackServer() as srv:
        yield srv
    reset_fetcher()


def _refresh(source: Source) -> None:
    source.refresh_from_db()
    Source.objects.filter(pk=source.pk).update(next_fetch_at=None)
    refresh_sources([source.pk], threads=1)
    run_until_idle(threads=1)


def test_items_edited_under_the_same_guids_update_in_place(server: LoopbackServer) -> None:
    first = [
        ("a", "Ships wait outside harbour", BODY.format(n=12, day="Monday")),
        ("b", "Crane repaired", BODY.format(n=3, day="Sunday")),
    ]
    server.route("/feed.xml", static(_feed(first), content_type="application/rss+xml"))
    source = add_url(server.url("/feed.xml")).source
    _refresh(source)
    assert Article.objects.count() == 2

    # Same GUIDs, new headline and corrected text; the server also drops its validators' meaning.
    edited = [("a", "Forty ships wait outside harbour", BODY.format(n=40, day="Tuesday")), first[1]]
    server.route("/feed.xml", static(_feed(edited), content_type="application/rss+xml"))
    _refresh(source)
    assert Article.objects.count() == 2, "an edit must not create a second article"
    article = Article.objects.get(guid="a")
    assert article.title == "Forty ships wait outside harbour"
    assert "40 ships" in article.text and "12 ships" not in article.text
    assert article.stage == FINAL_STAGE
    assert Article.objects.filter(story__isnull=False).values("story").distinct().count() <= 2

    # And back again (a flapping feed): still two articles, the latest text wins.
    server.route("/feed.xml", static(_feed(first), content_type="application/rss+xml"))
    _refresh(source)
    assert Article.objects.count() == 2
    assert "12 ships" in Article.objects.get(guid="a").text


def test_feed_served_as_html_or_octet_stream_is_still_read(server: LoopbackServer) -> None:
    items = [("x", "Tide tables published", BODY.format(n=5, day="Friday"))]
    server.route("/as-html", static(_feed(items), content_type="text/html; charset=utf-8"))
    pier = _feed([("y", "Pier closed", BODY.format(n=1, day="Friday"))])
    server.route("/as-binary", static(pier, content_type="application/octet-stream"))
    for path in ("/as-html", "/as-binary"):
        _refresh(add_url(server.url(path)).source)
    assert set(Article.objects.values_list("title", flat=True)) == {"Tide tables published", "Pier closed"}


def test_html_page_claiming_to_be_a_feed_is_refused_with_the_reason(server: LoopbackServer) -> None:
    page = b"<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"
    server.route("/liar.xml", static(page, content_type="application/rss+xml"))
    with pytest.raises(AddError) as refused:
        add_url(server.url("/liar.xml"))
    assert "feed" in str(refused.value).lower()
    assert Article.objects.count() == 0


def test_binary_garbage_claiming_to_be_a_feed_is_refused(server: LoopbackServer) -> None:
    server.route("/garbage.xml", static(bytes(range(256)) * 64, content_type="application/atom+xml"))
    with pytest.raises(AddError):
        add_url(server.url("/garbage.xml"))
