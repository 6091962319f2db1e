"""Adding a source changes the site for everyone: staff only, and nothing is stored for a refused URL
(issue 14, item 2). Real HTTP on loopback; the page is counted as it is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.api import tokens
from newsdesk.articles.models import Article
from newsdesk.flow.adding import AddError, add_url
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static

pytestmark = pytest.mark.django_db
PAGE = b"<html><head><title>A page</title></head><body><p>No feed is linked here.</p></body></html>"


@pytest.fixture
def server(settings):
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    reset_fetcher()
    with LoopbackServer() as srv:
        srv.route("/page.html", static(PAGE, content_type="text/html"))
        yield srv
    reset_fetcher()


def test_a_reader_token_cannot_add_a_source_and_nothing_is_fetched_or_stored(server) -> None:
    reader = User.objects.create_user("reader")
    _, token = tokens.create_token(reader, "tests")
    response = Client(headers={"Authorization": f"Bearer {token}"}).post(
        "/api/sources", {"url": server.url("/page.html")}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"]
    assert server.hits["/page.html"] == 0
    assert not Source.objects.exists() and not Article.objects.exists()


def _raw_files(settings) -> set[str]:
    root = Path(settings.NEWSDESK_RAW_STORE)
    return {str(p) for p in root.rglob("*.gz")} if root.exists() else set()


def test_a_page_without_a_feed_refused_as_feeds_only_leaves_nothing_behind(server, settings) -> None:
    raw_before = _raw_files(settings)
    with pytest.raises(AddError, match="no feed found"):
        add_url(server.url("/page.html"), feeds_only=True)
    assert server.hits["/page.html"] == 1
    assert not Source.objects.exists() and not Article.objects.exists()
    assert _raw_files(settings) == raw_before
    # Without feeds_only (staff adding one article) the page is kept: the refusal is what differs.
    assert add_url(server.url("/page.html")).how == "article" and Article.objects.count() == 1
