"""The Top 8 on real news: five outlets' feeds (FT, The Economist, NYT, WSJ ×2, from
../shared/data/rss-feeds-rssarch) served on loopback as they were on two weekdays, each feed at one
URL whose content changes between refreshes, ingested through the whole pipeline."""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.flow.adding import add_url
from newsdesk.flow.work import refresh_sources, wait_until_idle
from newsdesk.readers.briefing import top_stories
from newsdesk.readers.state import ReaderState
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.testing.loopback import LoopbackServer

pytestmark = [pytest.mark.django_db(transaction=True)]

FEEDS = ["ft-home", "economist", "nyt_econ", "wsj_econ", "wsj_world"]
# Two snapshots a day apart (Thursday and Friday): the second refresh brings the new day's items.
SNAPSHOTS = ["2025-05-29T1615.xml", "2025-05-30T1615.xml"]


@pytest.fixture
def server(shared_data: Path, settings, tmp_path: Path) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    # The items link to archive.is: the feed text is the article (nothing leaves loopback).
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    reset_fetcher()
    with LoopbackServer() as srv:
        srv.serve_dir("/feeds", tmp_path)
        srv.archive = shared_data / "rss-feeds-rssarch"  # type: ignore[attr-defined]
        srv.live = tmp_path  # type: ignore[attr-defined]
        yield srv
    reset_fetcher()


def test_briefing_picks_the_widest_coverage_of_a_real_day(server: LoopbackServer, client) -> None:
    ids: list[int] = []
    for snapshot in SNAPSHOTS:
        for feed in FEEDS:
            shutil.copy(server.archive / feed / snapshot, server.live / f"{feed}.xml")
        ids = ids or [add_url(server.url(f"/feeds/{feed}.xml")).source.pk for feed in FEEDS]
        refresh_sources(ids, threads=2)
        wait_until_idle(threads=2)
    assert Article.objects.count() > 100
    assert not Article.objects.exclude(stage=FINAL_STAGE).exists()

    briefing = top_stories(ReaderState())
    assert len(briefing.items) == 8
    # Coverage in the briefing's 24 hours, counted here straight from the articles: an outlet is a
    # publisher (two feeds of one site count once), else the feed itself.
    outlets: dict[int, set[str]] = defaultdict(set)
    for story_id, source_id, publisher_id, published in Article.objects.filter(
        story__isnull=False
    ).values_list("story_id", "source_id", "source__publisher_id", "published_at"):
        if published is not None and briefing.start < published <= briefing.end:
            outlets[story_id].add(f"p{publisher_id}" if publisher_id else f"s{source_id}")
    chosen = [i.story.pk for i in briefing.items]
    widths = sorted((len(v) for v in outlets.values()), reverse=True)
    print({"chosen_outlets": [len(outlets[s]) for s in chosen], "widest_in_window": widths[:12]})
    assert [len(outlets[s]) for s in chosen] == widths[:8]  # the eight widest, widest first
    assert widths[0] >= 2  # the outlets share at least one event that day
    assert all(i.outlets == len(outlets[i.story.pk]) for i in briefing.items)

    feed = feedparser.parse(client.get("/feeds/briefing.atom").content)
    assert feed.bozo == 0 and [e.link.rsplit("/story/", 1)[1].strip("/") for e in feed.entries] == [
        str(s) for s in chosen
    ]
