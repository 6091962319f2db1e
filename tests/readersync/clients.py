"""A site for real reader apps to talk to: two feeds served on loopback (one RSS, one Atom) ingested
by the site's own refresh, a reader following both with an app password and a Fever password, and
the live server's address. Plus what the client tests share: the site's read and starred state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.flow.refresh import refresh_source
from newsdesk.readers.models import Bookmark, Follow, Profile, ReadMark
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source
from newsdesk.testing.loopback import LoopbackServer, static

LOGIN = "alice"
FEVER_LOGIN, FEVER_PASSWORD = "alice@example.org", "fever-secret-42"


def _rss(server: LoopbackServer, n: int) -> bytes:
    start = datetime(2025, 3, 1, 8, tzinfo=UTC)
    items = "".join(
        f"<item><title>World story {i}</title><link>{server.url(f'/world/{i}')}</link><guid>w{i}</guid>"
        f"<pubDate>{(start + timedelta(hours=i)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>&lt;p&gt;World summary {i}.&lt;/p&gt;</description></item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>World Wire</title>'
        f"<link>{server.url('/world/')}</link><description>World news</description>{items}</channel></rss>"
    ).encode()


def _atom(server: LoopbackServer, n: int) -> bytes:
    entries = "".join(
        f'<entry><title>Tech story {i}</title><link href="{server.url(f"/tech/{i}")}"/>'
        f"<id>urn:tech:{i}</id><updated>2025-03-02T1{i}:00:00Z</updated>"
        f'<summary type="html">&lt;p&gt;Tech summary {i}.&lt;/p&gt;</summary></entry>'
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Tech Daily</title><id>urn:tech</id><updated>2025-03-02T19:00:00Z</updated>"
        f'<link rel="alternate" href="{server.url("/tech/")}"/>{entries}</feed>'
    ).encode()


@dataclass
class Site:
    url: str  # the live server, e.g. http://localhost:PORT
    user: User
    world: Source
    tech: Source
    app_password: str
    articles: dict[int, list[int]] = field(default_factory=dict)  # source id -> article ids

    @property
    def all_ids(self) -> set[int]:
        return {pk for ids in self.articles.values() for pk in ids}

    def read(self) -> set[int]:
        return set(ReadMark.objects.filter(user=self.user).values_list("article_id", flat=True))

    def starred(self) -> set[int]:
        return set(Bookmark.objects.filter(user=self.user).values_list("article_id", flat=True))

    def mark_read_on_site(self, pk: int) -> None:
        ReadMark.objects.get_or_create(user=self.user, article_id=pk)

    def star_on_site(self, pk: int) -> None:
        Bookmark.objects.get_or_create(user=self.user, article_id=pk)

    def title(self, pk: int) -> str:
        return Article.objects.get(pk=pk).title


@pytest.fixture
def site(settings, live_server) -> Iterator[Site]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 5.0
    reset_fetcher()
    user = User.objects.create_user(LOGIN, FEVER_LOGIN, "login-password-not-for-apps")
    Profile.objects.create(user=user, email_verified=True)  # a confirmed address, as app passwords need
    with LoopbackServer() as feeds:
        feeds.route("/world.rss", static(_rss(feeds, 6), content_type="application/rss+xml"))
        feeds.route("/tech.atom", static(_atom(feeds, 4), content_type="application/atom+xml"))
        sources = []
        for path, folder in (("/world.rss", "World"), ("/tech.atom", "Technology")):
            source = Source.objects.create(
                url=feeds.url(path), canonical_url=feeds.url(path), category=folder
            )
            outcome = refresh_source(source)  # the site's own ingest, over loopback HTTP
            assert outcome.ok and outcome.new > 0, outcome.message
            source.refresh_from_db()
            sources.append(source)
            Follow.objects.create(user=user, kind=Follow.Kind.SOURCE, key=str(source.pk), label=source.title)
        world, tech = sources
        page = Client()
        page.force_login(user)
        shown = page.post("/settings/apps/", {"action": "app_password"}).content.decode()
        password = re.search(r'id="app-password">([^<]+)<', shown).group(1)
        fever = {"action": "fever", "fever_login": FEVER_LOGIN, "fever_password": FEVER_PASSWORD}
        page.post("/settings/apps/", fever)
        yield Site(
            live_server.url,
            user,
            world,
            tech,
            password,
            articles={
                s.pk: list(Article.objects.filter(source=s).order_by("pk").values_list("pk", flat=True))
                for s in sources
            },
        )
    reset_fetcher()
