"""A populated database for the API and feed tests: sources, finished articles in stories, stored panels
with entities, a reader with a token, and a staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from newsdesk.api import tokens
from newsdesk.articles.models import FINAL_STAGE, Article, Insight
from newsdesk.pipeline.duplicates import content_fingerprint
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story

# Two events told by three outlets (written for these tests).
EVENTS = [
    (
        "Soyuz crew docks at the space station",
        [
            (
                "Orbit Daily",
                "Soyuz crew launches from Baikonur",
                "A Soyuz rocket carrying NASA astronaut Jessica Meir lifted off from Baikonur on Tuesday. "
                "The capsule docked with the International Space Station six hours later.",
            ),
            (
                "World Wire",
                "Three astronauts head to the ISS",
                "NASA's Jessica Meir and two cosmonauts are on their way to the International Space Station. "
                "Roscosmos said the docking on Tuesday went smoothly.",
            ),
        ],
        [("Jessica Meir", "person", "jessica-meir"), ("NASA", "org", "nasa")],
    ),
    (
        "Haaland wins the Manchester derby",
        [
            (
                "Sport Today",
                "Haaland header wins derby",
                "Erling Haaland headed a late winner as Manchester City beat Manchester United 2-1 "
                "on Sunday.",
            ),
            (
                "World Wire",
                "Late Haaland goal settles derby",
                "A stoppage-time header from Erling Haaland gave Manchester City a 2-1 win on Sunday.",
            ),
        ],
        [("Erling Haaland", "person", "erling-haaland"), ("Manchester City", "org", "manchester-city")],
    ),
]


try:  # stored entity mentions, where the articles app keeps them
    from newsdesk.articles.entities import index_article
except ImportError:
    index_article = None


def panel(text: str, ents: list[tuple[str, str, str]]) -> dict:
    """An article panel as `Insight.data` stores it (the fields the API and the pages read)."""
    parts = [p if p.endswith(".") else p + "." for p in text.split(". ")]
    sentences, at = [], 0
    for i, p in enumerate(parts):
        sentences.append({"index": i, "text": p, "start": at, "end": at + len(p)})
        at += len(p) + 1
    first = parts[0]
    people = [{"name": n, "kind": k, "slug": s, "count": 1} for n, k, s in ents if k == "person"]
    orgs = [{"name": n, "kind": k, "slug": s, "count": 1} for n, k, s in ents if k != "person"]
    return {
        "sentences": sentences,
        "summary": [{"text": first, "sentence_index": 0, "article_id": None, "source": None}],
        "key_facts": [{"text": first}],
        "people": people,
        "organisations": orgs,
        "places": [],
        "other_entities": [],
        "timeline": [
            {
                "value": "2026-11-30",
                "granularity": "day",
                "expression": "Tuesday",
                "sentence": first,
                "sentence_index": 0,
            }
        ],
    }


@dataclass
class World:
    sources: dict[str, Source]
    stories: list[Story]
    articles: list[Article]
    reader: User
    staff: User
    token: str
    staff_token: str


def make_article(source: Source, title: str, text: str, when, story: Story | None = None) -> Article:
    n = Article.objects.count() + 1
    return Article.objects.create(
        source=source,
        guid=f"urn:test:{n}:{title}",
        url=f"https://news.example/{n}",
        canonical_url=f"https://news.example/{n}",
        title=title,
        text=text,
        content_html=f"<p>{text}</p>",
        description=text[:120],
        published_at=when,
        discovered_at=when,
        language="en",
        stage=FINAL_STAGE,
        story=story,
        content_fingerprint=content_fingerprint(text),
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters from one test never reach the next
    yield
    cache.clear()


@pytest.fixture
def world(db, settings) -> World:
    settings.NEWSDESK_EMBEDDER = "hashing"
    now = timezone.now()
    sources = {}
    for name in ("Orbit Daily", "World Wire", "Sport Today"):
        slug = name.lower().replace(" ", "-")
        sources[name] = Source.objects.create(
            url=f"https://{slug}.example/feed.xml",
            canonical_url=f"https://{slug}.example/feed.xml",
            title=name,
        )
    stories, articles = [], []
    for k, (headline, items, ents) in enumerate(EVENTS):
        story = Story.objects.create(
            headline=headline,
            first_seen=now - timedelta(hours=5 - k),
            last_updated=now - timedelta(hours=1 + k),
            article_count=len(items),
            source_count=len(items),
            importance=2.0 - k,
        )
        stories.append(story)
        for j, (outlet, title, text) in enumerate(items):
            a = make_article(
                sources[outlet], title, text, now - timedelta(hours=4 - k, minutes=10 * j), story
            )
            data = panel(text, ents)
            Insight.objects.create(article=a, data=data, text_fingerprint=a.content_fingerprint)
            if index_article is not None:
                index_article(a, data)
            articles.append(a)
    reader = User.objects.create_user("reader")
    staff = User.objects.create_user("editor", is_staff=True)
    _, token = tokens.create_token(reader, "tests")
    _, staff_token = tokens.create_token(staff, "tests")
    return World(sources, stories, articles, reader, staff, token, staff_token)


@pytest.fixture
def client_for():
    def make(token: str | None = None) -> Client:
        return Client(headers={"Authorization": f"Bearer {token}"}) if token else Client()

    return make
