"""Outlets are publishers, not feeds: two feeds of one publisher count once, everywhere a reader looks.

The feeds are real rssarch captures (WSJ World, WSJ Economy, FT "myFT following"); their items link
through archive.is, which must not become anyone's identity or link.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from newsdesk.articles.models import FINAL_STAGE, Article, Sighting
from newsdesk.flow.refresh import ingest_parsed
from newsdesk.pipeline.feeds import parse_feed
from newsdesk.sources.models import Publisher, Source
from newsdesk.stories.assign import refresh_story
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db

FEEDS = {
    "wsj_world": "wsj_world/2025-06-02T1616.xml",
    "wsj_econ": "wsj_econ/2025-06-02T1616.xml",
    "ft": "ft-home/2025-06-01T1613.xml",
}


@pytest.fixture
def feeds(shared_data: Path) -> dict[str, Source]:
    out = {}
    for name, rel in FEEDS.items():
        url = f"http://127.0.0.1:9/rssarch/{rel}"  # where the feed was fetched from: not its publisher
        source = Source.objects.create(url=url, canonical_url=url)
        ingest_parsed(source, parse_feed((shared_data / "rss-feeds-rssarch" / rel).read_bytes(), url=url))
        out[name] = Source.objects.select_related("publisher").get(pk=source.pk)
    return out


def test_feeds_of_one_publisher_share_it_with_its_readable_name(feeds: dict[str, Source]) -> None:
    assert feeds["wsj_world"].publisher_id == feeds["wsj_econ"].publisher_id
    assert feeds["wsj_world"].publisher.name == "The Wall Street Journal"
    assert feeds["ft"].publisher.name == "Financial Times"  # not "myFT following"
    assert Publisher.objects.count() == 2
    # Archive wrappers are gone from identity and links.
    assert not Article.objects.filter(url__contains="archive.is").exists()
    assert not Article.objects.filter(canonical_url__contains="archive.is").exists()
    ft_links = Article.objects.filter(source=feeds["ft"], url__startswith="https://www.ft.com/content/")
    assert ft_links.count() > 5


def _story_of(*articles: Article) -> Story:
    story = Story.objects.create(headline=articles[0].title, first_seen=articles[0].display_time)
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(story=story, stage=FINAL_STAGE)
    refresh_story(story)
    story.refresh_from_db()
    return story


def test_outlet_counts_count_publishers(feeds: dict[str, Source], client) -> None:
    world = Article.objects.filter(source=feeds["wsj_world"]).order_by("pk")[:2]
    econ = Article.objects.filter(source=feeds["wsj_econ"]).order_by("pk").first()
    ft = Article.objects.filter(source=feeds["ft"]).order_by("pk").first()
    story = _story_of(*world, econ, ft)
    assert story.article_count == 4
    assert story.source_count == 2  # WSJ (two feeds) and the FT

    page = client.get(f"/story/{story.pk}/").content.decode()
    assert "Covered by <strong>2 outlets</strong>" in page
    assert page.count('<span class="name">The Wall Street Journal</span>') == 1  # one section
    assert "Financial Times" in page
    assert "WSJ.com: World News" not in page and "myFT following" not in page

    front = client.get("/").content.decode()
    assert "2 outlets" in front


def test_also_published_by_and_also_in_name_other_publishers_once(feeds: dict[str, Source], client) -> None:
    article = Article.objects.filter(source=feeds["wsj_world"]).order_by("pk").first()
    Article.objects.filter(pk=article.pk).update(stage=FINAL_STAGE)
    # The same link in the other WSJ feed and in the FT's (a sighting each).
    Sighting.objects.create(article=article, source=feeds["wsj_econ"], guid="x1")
    Sighting.objects.create(article=article, source=feeds["ft"], guid="x2")
    page = client.get(f"/article/{article.pk}/").content.decode()
    also = page.split('<p class="also">Also in the feeds of', 1)[1].split("</p>", 1)[0]
    assert "Financial Times" in also and "Wall Street Journal" not in also
    assert 'class="outlet source"' in page and "The Wall Street Journal" in page


def test_migration_gives_existing_sources_their_publishers(feeds: dict[str, Source]) -> None:
    Source.objects.update(publisher=None)
    Publisher.objects.all().delete()
    migration = importlib.import_module("newsdesk.sources.migrations.0003_publishers_for_sources")
    migration.forwards(django_apps, None)
    names = {s.url.split("/")[4]: s.publisher.name for s in Source.objects.select_related("publisher")}
    assert names == {
        "wsj_world": "The Wall Street Journal",
        "wsj_econ": "The Wall Street Journal",
        "ft-home": "Financial Times",
    }
    assert Publisher.objects.count() == 2
