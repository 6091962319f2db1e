"""Pages served from the page cache: current after the events that change them, with ETag / 304,
and never carrying one reader's own parts (follow buttons, mutes, account) to another reader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from django.test import Client

from newsdesk.articles.insights import panel_for
from newsdesk.articles.models import Article, Insight
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.pages.cache import STORE, PageStore
from newsdesk.readers.models import Follow, Mute
from newsdesk.runtime import health, pagechanges
from newsdesk.testing.services import PrivateRedis, ServiceUnavailable
from tests.comments.factories import make_user
from tests.readers import builders
from tests.stories.test_stories import EVENTS

pytestmark = pytest.mark.django_db


def _import(tmp_path: Path, items: list[tuple[str, str, str]], name: str) -> None:
    path = tmp_path / f"{name}.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"{name}-{i}",
                    "title": title,
                    "text": text,
                    "source": source,
                    "url": f"https://{source.lower().replace(' ', '')}.example/{name}/{i}",
                    "published": f"2025-04-08T{9 + i:02d}:00:00Z",
                }
            )
            for i, (source, title, text) in enumerate(items)
        )
        + "\n"
    )
    report = ImportReport()
    import_path(path, report)
    assert not report.errors
    run_until_idle(threads=1)


def _conditional(client: Client, url: str, etag: str) -> int:
    return client.get(url, HTTP_IF_NONE_MATCH=etag).status_code


def test_a_cached_story_page_changes_when_its_story_gains_an_article(tmp_path: Path, page_cache) -> None:
    first, second, third = EVENTS["soyuz"]
    _import(tmp_path, [first, second], "soyuz")
    story_id = Article.objects.get(guid="soyuz-0").story_id
    reader = Client()
    url = f"/story/{story_id}/"
    reader.get(url)  # no worker runs here: the first view makes the story's panel (a change itself)
    page = reader.get(url)
    assert "2 outlets" in page.content.decode() and "Science Post" not in page.content.decode()
    etag = page["ETag"]
    assert _conditional(reader, url, etag) == 304  # kept, and nothing changed
    front = reader.get("/")
    assert _conditional(reader, "/", front["ETag"]) == 304

    _import(tmp_path, [third], "soyuz-late")  # the pipeline assigns it to the same story
    assert Article.objects.get(guid="soyuz-late-0").story_id == story_id
    assert _conditional(reader, url, etag) == 200
    page = reader.get(url).content.decode()
    assert "3 outlets" in page and "Science Post" in page
    assert "3 outlets" in reader.get("/").content.decode()


def test_a_cached_page_changes_when_a_comment_is_published(page_cache) -> None:
    story = builders.story("Harbour bridge reopens after repairs", ["Coast News", "Port Daily"])
    article = Article.objects.filter(story=story).order_by("pk").first()
    anonymous = Client()
    anonymous.get(f"/story/{story.pk}/")  # makes the story's panel (no worker runs here)
    story_page = anonymous.get(f"/story/{story.pk}/")
    article_page = anonymous.get(f"/article/{article.pk}/")
    assert "No comments yet." in story_page.content.decode()
    assert _conditional(anonymous, f"/story/{story.pk}/", story_page["ETag"]) == 304

    author = Client()
    author.force_login(make_user("commenter"))
    answer = author.post(
        "/comments/new/", {"target": f"article:{article.pk}", "body": "Good to see it open."}
    )
    assert answer.status_code == 302

    # The article's page and its story's page (which shows its articles' comments) both changed.
    assert "Good to see it open." in anonymous.get(f"/article/{article.pk}/").content.decode()
    assert _conditional(anonymous, f"/article/{article.pk}/", article_page["ETag"]) == 200
    assert "Good to see it open." in anonymous.get(f"/story/{story.pk}/").content.decode()
    assert "1 comment" in anonymous.get("/").content.decode()


def test_a_cached_article_page_changes_when_its_panel_is_stored(page_cache) -> None:
    story = builders.story(
        "Wind farm approved off the northern coast",
        ["Energy Desk"],
        people=["Maria Lopez"],
        places=["Aberdeen"],
    )
    article = Article.objects.get(story=story)
    article.text = " ".join([article.text] * 8)  # long enough for a panel
    article.save()
    Insight.objects.filter(article=article).delete()
    health.beat()  # a worker is alive: the page leaves the panel to it instead of making one
    reader = Client()
    url = f"/article/{article.pk}/"
    before = reader.get(url)
    assert 'class="ai-panel' not in before.content.decode() or "pending" in before.content.decode()
    assert _conditional(reader, url, before["ETag"]) == 304

    panel_for(article)  # what the worker's enrich step does
    assert Insight.objects.filter(article=article).exists()
    after = reader.get(url)
    assert after["ETag"] != before["ETag"]
    assert "Maria Lopez" in after.content.decode()


def _names_and_buttons(page: str) -> tuple[list[str], list[str]]:
    account = re.findall(r'class="account">([^<]+)</a>', page)
    pressed = re.findall(r'aria-pressed="true">([^<]+)<span class="what">([^<]+)</span>', page)
    return account, [f"{what.strip()} {label}" for what, label in pressed]


@pytest.mark.django_db(transaction=True)
def test_readers_never_see_each_others_buttons_or_mutes_from_a_cached_page(live_server, page_cache) -> None:
    story = builders.story("Rail strike called off after late talks", ["Metro Times", "Evening Wire"])
    article = Article.objects.filter(story=story, source__title="Metro Times").get()
    metro, wire = article.source, Article.objects.get(story=story, source__title="Evening Wire").source
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    Follow.objects.create(user=alice, kind="source", key=str(metro.pk), label=metro.title)
    Mute.objects.create(user=carol, kind="source", key=str(wire.pk))

    def session(user) -> httpx.Client:
        c = Client()
        c.force_login(user)
        return httpx.Client(
            base_url=live_server.url, cookies={"sessionid": c.cookies["sessionid"].value}, timeout=30
        )

    anonymous = httpx.Client(base_url=live_server.url, timeout=30)
    as_alice, as_bob, as_carol = session(alice), session(bob), session(carol)
    article_url, story_url = f"/article/{article.pk}/", f"/story/{story.pk}/"

    # Alice's visit makes the pages; Bob's and an anonymous reader's come after, from the cache.
    accounts, pressed = _names_and_buttons(as_alice.get(article_url).text)
    assert accounts == ["alice"] and pressed == ["Following Metro Times"]
    as_alice.get(story_url)
    accounts, pressed = _names_and_buttons(as_bob.get(article_url).text)
    assert accounts == ["bob"] and pressed == [], "Bob sees Alice's follow, or her name"
    page = anonymous.get(article_url).text
    assert _names_and_buttons(page) == ([], []) and "alice" not in page and "Log in" in page

    # Carol mutes Evening Wire: her story page leaves it out; nobody else's does.
    carol_page = as_carol.get(story_url).text
    assert "Evening Wire" not in carol_page.split('id="comments"')[0]
    for other in (as_bob, anonymous, as_alice):
        assert "Evening Wire" in other.get(story_url).text
    assert "carol" not in as_bob.get(story_url).text
    assert "Evening Wire" not in as_carol.get(story_url).text.split('id="comments"')[0]
    # And Alice's own page still shows her follow after the others' visits.
    assert _names_and_buttons(as_alice.get(article_url).text) == (["alice"], ["Following Metro Times"])


@pytest.mark.parametrize("shared", ["files", "redis"])
def test_a_page_made_by_one_web_process_serves_the_others(
    settings, tmp_path: Path, page_cache, shared
) -> None:
    """Each web process keeps its own pages, and shares them: files under NEWSDESK_HOME on one
    machine, Redis with REDIS_URL (every machine). A second process's store finds the first's page,
    and a change to its story makes it stale there too."""
    settings.NEWSDESK_HOME = str(tmp_path)
    server = None
    if shared == "redis":
        try:
            server = PrivateRedis().__enter__()
        except ServiceUnavailable as exc:
            pytest.skip(str(exc))
        settings.REDIS_URL = server.url
    try:
        story = builders.story("Museum reopens its east wing", ["City Post", "Art Wire"])
        made_by = Client()
        made_by.get(f"/story/{story.pk}/")  # makes the story's panel (no worker runs here)
        page = made_by.get(f"/story/{story.pk}/")
        other = PageStore()  # another process: nothing of its own yet
        entry = other.get(f"|/story/{story.pk}/")
        assert entry is not None and entry.anon_etag == page["ETag"]
        assert "Museum reopens its east wing" in entry.anon_body.decode()
        pagechanges.changed(pagechanges.story(story.pk))
        assert other.get(f"|/story/{story.pk}/") is None
    finally:
        STORE.clear()
        if server is not None:
            server.__exit__(None, None, None)
