"""Feeds out, read by a real feed reader: newsboat (Debian's package) fetches every Atom and RSS kind
from the live server as plain feeds, and holds each feed's articles (the feedparser and JSON Feed
schema checks are in test_feeds.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests.api.conftest import make_article
from tests.api.test_feeds import KINDS, _feed_url
from tests.readersync.newsboat import MISSING, Newsboat

pytestmark = [pytest.mark.skipif(bool(MISSING), reason=MISSING)]


def test_newsboat_reads_every_feed_kind(world, live_server, tmp_path: Path) -> None:
    make_article(
        world.sources["Sport Today"],
        "Haaland & <City> \x0b derby again",
        "Haaland derby.",
        timezone.now(),
        world.stories[1],
    )
    wanted = {}
    for kind in KINDS:
        for fmt in ("atom", "rss"):
            path, titles = _feed_url(world, kind, fmt)
            wanted[live_server.url + path] = titles
    held = {}
    for i, (url, titles) in enumerate(wanted.items()):
        # One profile per feed: newsboat keeps an article once however many feeds carry it.
        newsboat = Newsboat.plain(tmp_path / str(i), [url])
        newsboat.run("reload")
        errors = newsboat.errors.read_text() if newsboat.errors.exists() else ""
        assert not errors.strip(), (url, errors)
        assert newsboat.feeds().get(url, "").startswith("newsdesk: "), url
        got = set(newsboat.titles(url))
        assert titles <= got, (url, titles, got)
        held[url.removeprefix(live_server.url)] = len(got)
    print("newsboat read the feeds out (articles each):", held)
