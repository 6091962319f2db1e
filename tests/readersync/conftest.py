"""A reader with two followed feeds (one not followed), some read and starred on the site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article
from newsdesk.flow.tasks import add_source_task
from newsdesk.readers.models import Bookmark, Follow, Profile, ReadMark
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static
from tests.readersync.clients import site  # noqa: F401  (the site real reader apps are tested against)

SCIENCE_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Science Loop</title>'
    b"<link>http://example.org/</link><item><title>Comet seen</title><link>http://example.org/c</link>"
    b"<guid>c1</guid></item></channel></rss>"
)


@dataclass
class Reader:
    user: User
    world: Source
    tech: Source
    other: Source
    read_on_site: Article
    starred_on_site: Article
    feed_server: LoopbackServer
    app_password: str = ""
    fever_login: str = ""
    fever_password: str = ""
    articles: dict[int, list[int]] = field(default_factory=dict)  # source id -> article ids

    def followed_ids(self) -> set[int]:
        return set(self.articles[self.world.pk]) | set(self.articles[self.tech.pk])


def _articles(source: Source, n: int, start) -> list[Article]:
    rows = [
        Article(
            source=source,
            guid=f"{source.pk}-{i}",
            url=f"https://{source.title.lower().replace(' ', '')}.example/{i}",
            title=f"{source.title} story {i}",
            feed_summary=f"<p>Summary {i} of {source.title}.</p>",
            published_at=start + timedelta(minutes=i),
            discovered_at=start + timedelta(minutes=i, seconds=30),
        )
        for i in range(n)
    ]
    Article.objects.bulk_create(rows)
    return list(Article.objects.filter(source=source).order_by("pk"))


@pytest.fixture
def reader(settings) -> Iterator[Reader]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    reset_fetcher()
    user = User.objects.create_user("alice", "alice@example.org", "login-password-not-for-apps")
    Profile.objects.create(user=user, email_verified=True)  # app passwords need a confirmed address
    start = timezone.now() - timedelta(days=2)
    world = Source.objects.create(
        url="https://world.example/feed",
        canonical_url="https://world.example/feed",
        title="World Wire",
        category="World / Europe",
    )
    tech = Source.objects.create(
        url="https://tech.example/feed",
        canonical_url="https://tech.example/feed",
        title="Tech Daily",
        category="Technology",
    )
    other = Source.objects.create(
        url="https://other.example/feed", canonical_url="https://other.example/feed", title="Other Paper"
    )
    world_articles = _articles(world, 53, start)
    tech_articles = _articles(tech, 2, start + timedelta(hours=1))
    _articles(other, 1, start)
    for s in (world, tech):
        Follow.objects.create(user=user, kind=Follow.Kind.SOURCE, key=str(s.pk), label=s.title)
    read = world_articles[2]
    starred = tech_articles[0]
    ReadMark.objects.create(user=user, article=read)
    Bookmark.objects.create(user=user, article=starred)
    with LoopbackServer() as server:
        server.route("/science.xml", static(SCIENCE_FEED, content_type="application/rss+xml"))
        yield Reader(
            user,
            world,
            tech,
            other,
            read,
            starred,
            server,
            articles={world.pk: [a.pk for a in world_articles], tech.pk: [a.pk for a in tech_articles]},
        )
    reset_fetcher()


def set_up_apps(reader: Reader) -> None:
    """What the reader does on /settings/apps/: make an app password, set a Fever password."""
    client = Client()
    client.force_login(reader.user)
    page = client.post("/settings/apps/", {"action": "app_password"})
    assert page.status_code == 200
    reader.app_password = re.search(r'id="app-password">([^<]+)<', page.content.decode()).group(1)
    reader.fever_login, reader.fever_password = "alice@example.org", "fever-secret-42"
    done = client.post(
        "/settings/apps/",
        {"action": "fever", "fever_login": reader.fever_login, "fever_password": reader.fever_password},
        follow=True,
    )
    assert "Fever access is on" in done.content.decode()


def login(base: str, reader: Reader, *, user_agent: str = "TestApp/1.0", path: str = "/reader") -> str:
    answer = httpx.post(
        f"{base}{path}/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": reader.app_password},
        headers={"User-Agent": user_agent},
    )
    assert answer.status_code == 200, answer.text
    return answer.text.split("Auth=")[1].strip()


def api(base: str, auth: str) -> httpx.Client:
    return httpx.Client(
        base_url=base + "/reader/reader/api/0/",
        headers={"Authorization": f"GoogleLogin auth={auth}"},
        timeout=30,
    )


def run_queued_additions() -> None:
    """What a worker does with the additions queued so far (here, in the test's own process)."""
    while (task := HUEY.dequeue()) is not None:
        if task.name.endswith("add_source_task"):
            add_source_task.call_local(*task.args)
