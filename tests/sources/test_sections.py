"""Sections: categories mapped to a few top-level sections, each with its page, its top stories and
its feeds, in the site's navigation; the operator's own list from a JSON file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.sources.models import Source
from newsdesk.sources.sections import section_of
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_sections(settings, tmp_path: Path) -> None:
    settings.NEWSDESK_SECTIONS_FILE = str(tmp_path / "no-such-sections.json")


@pytest.mark.parametrize(
    ("category", "title", "expected"),
    [
        ("News / World", "", "world"),
        ("", "NYT > Business > Economy", "business"),
        ("The Economist: Finance and economics", "", "business"),
        ("Technology", "Anything", "technology"),
        ("sport", "", "sport"),
        ("", "myFT following", None),
        ("Opinion", "World news daily", None),  # a category, even unmatched, is the operator's word
    ],
)
def test_free_text_categories_map_to_one_section(category: str, title: str, expected: str | None) -> None:
    found = section_of(category, title)
    assert (found.slug if found else None) == expected


def _story_with(source: Source, headline: str) -> Story:
    story = Story.objects.create(headline=headline, article_count=1, source_count=1, importance=1.0)
    Article.objects.create(
        source=source,
        guid=headline,
        canonical_url=f"https://example.org/{headline.replace(' ', '-')}",
        title=headline,
        text=f"{headline}. More words about it follow here.",
        stage=FINAL_STAGE,
        published_at=timezone.now(),
        story=story,
    )
    return story


def test_section_page_lists_only_its_sources_stories_and_has_feeds(client) -> None:
    world = Source.objects.create(
        url="https://w.example/f", canonical_url="https://w.example/f", category="News / World"
    )
    biz = Source.objects.create(
        url="https://b.example/f", canonical_url="https://b.example/f", category="Markets"
    )
    _story_with(world, "Ceasefire talks resume in Geneva")
    _story_with(biz, "Central bank holds rates")

    page = client.get("/section/world/").content.decode()
    assert "<h1>World</h1>" in page
    assert "Ceasefire talks resume in Geneva" in page and "Central bank holds rates" not in page
    # The section is in the site's navigation, marked as the current page.
    assert 'href="/section/world/" aria-current="page">World</a>' in page
    assert 'href="/section/business/">Business</a>' in page

    for fmt, marker in (("atom", "<feed"), ("rss", "<rss"), ("json", '"version"')):
        feed = client.get(f"/feeds/section/business.{fmt}")
        body = feed.content.decode()
        assert feed.status_code == 200 and marker in body
        assert "Central bank holds rates" in body and "Ceasefire" not in body


def test_unknown_section_is_a_404_page_with_navigation(client) -> None:
    response = client.get("/section/astrology/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and 'href="/latest/"' in response.content.decode()
    assert client.get("/feeds/section/astrology.atom").status_code == 404


def test_operator_sections_file_replaces_the_list(client, settings, tmp_path: Path) -> None:
    path = tmp_path / "sections.json"
    path.write_text(json.dumps([{"slug": "climate", "name": "Climate", "words": ["climate", "environment"]}]))
    settings.NEWSDESK_SECTIONS_FILE = str(path)
    green = Source.objects.create(
        url="https://g.example/f", canonical_url="https://g.example/f", category="Environment"
    )
    _story_with(green, "Glacier retreat measured")
    page = client.get("/section/climate/").content.decode()
    assert "Glacier retreat measured" in page and 'href="/section/climate/"' in page
    assert client.get("/section/world/").status_code == 404  # the built-in list is replaced

    path.write_text("[not json")  # a broken file: the built-in list, never a crash
    assert client.get("/section/world/").status_code == 200
