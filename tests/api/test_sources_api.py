"""Adding sources through the API goes the site's own way: fetched over real HTTP, SSRF guard on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Outlet</title>'
    b"<link>http://example.org/</link><item><title>One</title><link>http://example.org/1</link>"
    b"<guid>one</guid></item></channel></rss>"
)


@pytest.fixture
def server(settings) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    with LoopbackServer() as srv:
        srv.route("/feed.xml", static(FEED, content_type="application/rss+xml"))
        srv.route("/page.html", static(b"<html><body>no feed here</body></html>", content_type="text/html"))
        yield srv
    reset_fetcher()


def _post(token: str, body: dict):
    return Client(headers={"Authorization": f"Bearer {token}"}).post(
        "/api/sources", body, content_type="application/json"
    )


def test_staff_adds_a_feed_once(world, server, settings):
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    reset_fetcher()
    added = _post(world.staff_token, {"url": server.url("/feed.xml"), "category": "Test"})
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["how"] == "feed" and body["source"]["category"] == "Test"
    assert Source.objects.filter(pk=body["source"]["id"], url=server.url("/feed.xml")).exists()
    again = _post(world.staff_token, {"url": server.url("/feed.xml")})
    assert again.status_code == 409 and again.json()["error"]["details"] == {"id": body["source"]["id"]}
    health = Client().get(f"/api/sources/{body['source']['id']}/health").json()
    assert health["health"] == "new" and health["attempts"] == []
    assert _post(world.token, {"url": server.url("/feed.xml")}).status_code == 403


def test_ssrf_guard_refuses_loopback_addresses(world, server, settings):
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = False
    reset_fetcher()
    before = Source.objects.count()
    refused = _post(world.staff_token, {"url": server.url("/feed.xml")})
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "unusable_url"
    assert Source.objects.count() == before
    assert server.hits["/feed.xml"] == 0  # refused before connecting


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "not a url", "http://", "javascript:alert(1)"])
def test_unusable_addresses_are_422(world, url, settings):
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    response = _post(world.staff_token, {"url": url})
    assert response.status_code == 422 and response.json()["error"]["message"]
