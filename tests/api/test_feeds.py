"""Feeds out: every kind in every format reads back cleanly (feedparser bozo 0, our JSON Feed reader,
the JSON Feed 1.1 schema), holds what it should, and pages link to their feeds."""

from __future__ import annotations

import json

import feedparser
import jsonschema
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from newsdesk.api import tokens
from newsdesk.pipeline.jsonfeed import parse_json_feed
from newsdesk.readers.models import Mute, SavedSearch
from tests.api.conftest import make_article

FORMATS = ["atom", "rss", "json"]
KINDS = ["front", "briefing", "story", "source", "entity", "search"]


@pytest.fixture(scope="module")
def json_feed_schema(shared_data):
    path = shared_data / "feeds" / "jsonfeed" / "jsonfeed-schema-examples" / "schemas" / "schema-v1.1.json"
    return json.loads(path.read_text())


def _feed_url(world, kind: str, fmt: str) -> tuple[str, set[str]]:
    """The feed's URL and the titles it must hold."""
    soyuz, derby = world.stories
    if kind in ("front", "briefing"):
        return f"/feeds/{kind}.{fmt}", {soyuz.headline, derby.headline}
    if kind == "story":
        return f"/feeds/story/{soyuz.pk}.{fmt}", {a.title for a in world.articles[:2]}
    if kind == "source":
        src = world.sources["World Wire"]
        return f"/feeds/source/{src.pk}.{fmt}", {a.title for a in world.articles if a.source_id == src.pk}
    if kind == "entity":
        return f"/feeds/entity/erling-haaland.{fmt}", {a.title for a in world.articles[2:]}
    search = SavedSearch.objects.create(user=world.reader, name="Derby", query="Haaland derby")
    return f"/feeds/search/{tokens.feed_key(search)}.{fmt}", {a.title for a in world.articles[2:]}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_reads_back_cleanly(world, kind, fmt, json_feed_schema):
    # A title with markup and a control character must not break the XML.
    make_article(
        world.sources["Sport Today"],
        "Haaland & <City> \x0b derby again",
        "Haaland derby.",
        timezone.now(),
        world.stories[1],
    )
    url, titles = _feed_url(world, kind, fmt)
    response = Client().get(url)  # no login: saved-search feeds carry their secret in the URL
    assert response.status_code == 200, response.content[:300]
    body = response.content
    if fmt == "json":
        assert response["Content-Type"].startswith("application/feed+json")
        jsonschema.validate(json.loads(body), json_feed_schema)
        parsed = parse_json_feed(body, url="http://testserver" + url)
        assert not parsed.warnings, parsed.warnings
        got = {e.title for e in parsed.entries}
        links = [e.url for e in parsed.entries]
    else:
        assert response["Content-Type"].startswith(f"application/{fmt}+xml")
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
        got = {e.title for e in parsed.entries}
        links = [e.link for e in parsed.entries]
    assert titles <= got, (titles, got)
    # Links come from NEWSDESK_SITE_URL, never from the request's Host ("testserver" here).
    assert all(link.startswith(settings.NEWSDESK_SITE_URL + "/") for link in links)
    assert len(links) == len(set(links))


def test_feeds_have_etags(world):
    first = Client().get("/feeds/front.atom")
    again = Client().get("/feeds/front.atom", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_saved_search_feed_needs_its_secret(world):
    search = SavedSearch.objects.create(user=world.reader, name="Space", query="Soyuz")
    old = tokens.feed_key(search)
    assert Client().get(f"/feeds/search/{old}.rss").status_code == 200
    assert Client().get("/feeds/search/guessed-key.rss").status_code == 404
    tokens.rotate_feed_key(search)
    assert Client().get(f"/feeds/search/{old}.rss").status_code == 404
    api = Client(headers={"Authorization": f"Bearer {world.token}"}).get("/api/me/saved-searches").json()
    new_url = api[0]["feeds"]["json_feed"]
    assert tokens.feed_key(search) in new_url
    assert Client().get(new_url.removeprefix(settings.NEWSDESK_SITE_URL)).status_code == 200


def test_a_deleted_saved_search_stops_its_feed_and_only_its_reader_may_delete_it(world):
    search = SavedSearch.objects.create(user=world.reader, name="Space", query="Soyuz")
    feed = f"/feeds/search/{tokens.feed_key(search)}.rss"
    assert Client().get(feed).status_code == 200
    other = Client(headers={"Authorization": f"Bearer {world.staff_token}"})
    assert other.delete(f"/api/me/saved-searches/{search.pk}").status_code == 404  # not theirs
    assert Client().get(feed).status_code == 200
    owner = Client(headers={"Authorization": f"Bearer {world.token}"})
    assert owner.delete(f"/api/me/saved-searches/{search.pk}").status_code == 204
    assert Client().get(feed).status_code == 404
    assert owner.delete(f"/api/me/saved-searches/{search.pk}").status_code == 404


def test_saved_search_feed_leaves_out_what_its_reader_muted(world):
    search = SavedSearch.objects.create(user=world.reader, name="Derby", query="Haaland derby")
    url = f"/feeds/search/{tokens.feed_key(search)}.json"
    derby = {a.title for a in world.articles[2:]}
    assert derby <= {e["title"] for e in Client().get(url).json()["items"]}
    muted = world.articles[2]
    Mute.objects.create(user=world.reader, kind=Mute.Kind.SOURCE, key=str(muted.source_id))
    got = {e["title"] for e in Client().get(url).json()["items"]}
    assert muted.title not in got
    assert {a.title for a in world.articles[2:] if a.source_id != muted.source_id} <= got


def test_unknown_feed_targets_are_404(world):
    assert Client().get("/feeds/story/999999.atom").status_code == 404
    assert Client().get("/feeds/entity/nobody-at-all.json").status_code == 404
    assert Client().get("/feeds/front.xml").status_code == 404


def test_pages_link_to_their_feeds(world):
    front = Client().get("/").content.decode()
    for fmt, ctype in (
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    ):
        assert f'type="{ctype}"' in front and f'href="/feeds/front.{fmt}"' in front
    story = Client().get(f"/story/{world.stories[0].pk}/").content.decode()
    assert f'href="/feeds/story/{world.stories[0].pk}.atom"' in story
    src = world.sources["Orbit Daily"]
    assert f'href="/feeds/source/{src.pk}.rss"' in Client().get(f"/source/{src.pk}/").content.decode()
