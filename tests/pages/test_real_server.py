"""The site as `newsdesk web` serves it: granian, two processes, anonymous pages answered before
Django (pages/fastpath.py) and the rest by Django in each process's threads (webthreads.py), on this
test's database. Readers sign in with real sessions and act through real forms."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.readers.models import Follow, Mute, ReadMark
from newsdesk.testing.services import free_port
from tests.comments.factories import make_user
from tests.pages.test_page_cache import _names_and_buttons
from tests.readers import builders

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    """This test's database, for the server's processes."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}/{s['NAME']}"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "NEWSDESK_HOME": str(tmp_path),
        "DATABASE_URL": _database_url(),
        "NEWSDESK_SECRET_KEY": settings.SECRET_KEY,  # the test's sessions are signed with it
        "NEWSDESK_WEB_PROCESSES": "2",
        "NEWSDESK_WEB_SERVER": "granian",
        "NEWSDESK_EMBEDDER": "hashing",
        "NEWSDESK_PAGE_CACHE": "1",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(url + "/no-such-page/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:] if server.stderr else ""
                assert time.monotonic() < deadline, "newsdesk web never answered"
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _reader(url: str, user) -> httpx.Client:
    c = Client()
    c.force_login(user)
    # A new connection per request, so both web processes answer in turn.
    return httpx.Client(
        base_url=url,
        cookies={"sessionid": c.cookies["sessionid"].value},
        headers={"Connection": "close"},
        timeout=30,
    )


def test_readers_through_the_real_server(web: str) -> None:
    story = builders.story("Rail strike called off after late talks", ["Metro Times", "Evening Wire"])
    article = Article.objects.filter(story=story, source__title="Metro Times").get()
    metro, wire = article.source, Article.objects.get(story=story, source__title="Evening Wire").source
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    Follow.objects.create(user=alice, kind="source", key=str(metro.pk), label=metro.title)
    Mute.objects.create(user=carol, kind="source", key=str(wire.pk))
    as_alice, as_bob, as_carol = _reader(web, alice), _reader(web, bob), _reader(web, carol)
    anonymous = httpx.Client(base_url=web, headers={"Connection": "close"}, timeout=30)
    article_url, story_url = f"/article/{article.pk}/", f"/story/{story.pk}/"

    for _ in range(3):  # each process makes, keeps and answers the pages
        assert _names_and_buttons(as_alice.get(article_url).text) == (["alice"], ["Following Metro Times"])
        assert _names_and_buttons(as_bob.get(article_url).text) == (["bob"], [])
        page = anonymous.get(article_url).text
        assert _names_and_buttons(page) == ([], []) and "alice" not in page and "Log in" in page
        assert "Evening Wire" not in as_carol.get(story_url).text.split('id="comments"')[0]
        for other in (as_bob, anonymous, as_alice):
            assert "Evening Wire" in other.get(story_url).text

    # Opening the article marked it read for the readers who opened it, and for nobody else: written
    # by the web processes' writer threads a moment after the pages answered.
    def marked() -> set[str]:
        return set(ReadMark.objects.filter(article=article).values_list("user__username", flat=True))

    deadline = time.monotonic() + 10
    while marked() != {"alice", "bob"} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marked() == {"alice", "bob"}

    # Bob follows Metro Times through the page's own form: a POST whose body and CSRF token Django
    # reads in a web thread. Every later page shows it to him, and to nobody else.
    page = as_bob.get(article_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None and "csrftoken" in as_bob.cookies
    answer = as_bob.post(
        "/me/follow/",
        data={"csrfmiddlewaretoken": token.group(1), "kind": "source", "key": str(metro.pk)},
    )
    assert answer.status_code == 302, answer.text[:500]
    assert Follow.objects.filter(user=bob, key=str(metro.pk)).exists()
    for _ in range(3):
        assert _names_and_buttons(as_bob.get(article_url).text) == (["bob"], ["Following Metro Times"])
        assert _names_and_buttons(as_carol.get(article_url).text) == (["carol"], [])
    # Without the token the same POST is refused.
    refused = as_carol.post("/me/follow/", data={"kind": "source", "key": str(metro.pk)})
    assert refused.status_code == 403
    assert not Follow.objects.filter(user=carol).exists()


def test_headers_reach_django_as_a_wsgi_server_passes_them(web: str, tmp_path: Path) -> None:
    """A header named with an underscore is dropped (it would pass for the dashed one in Django's
    META); a sane request id is kept; an unknown path gets the site's own 404 page; a stored image
    (a streamed answer, sent chunk by chunk from a web thread) arrives whole."""
    kept = httpx.get(f"{web}/no-such-page/", headers={"X-Request-ID": "reader-chosen-id"}, timeout=30)
    assert kept.status_code == 404 and kept.headers["X-Request-ID"] == "reader-chosen-id"
    assert "text/html" in kept.headers["Content-Type"] and "<nav" in kept.text
    spoofed = httpx.get(f"{web}/no-such-page/", headers={"X_Request_ID": "spoofed-id"}, timeout=30)
    assert spoofed.status_code == 404 and spoofed.headers["X-Request-ID"] != "spoofed-id"
    unicode = httpx.get(f"{web}/search/", params={"q": "café Zürich"}, timeout=30)
    assert unicode.status_code == 200 and "café Zürich" in unicode.text, unicode.text[:2000]
    data = os.urandom(300_000)  # many of FileResponse's chunks
    name = hashlib.sha256(data).hexdigest() + ".webp"
    (tmp_path / "images" / name[:2]).mkdir(parents=True)
    (tmp_path / "images" / name[:2] / name).write_bytes(data)
    image = httpx.get(f"{web}/img/{name}", timeout=30)
    assert image.status_code == 200 and image.content == data
    assert image.headers["Content-Type"] == "image/webp" and "immutable" in image.headers["Cache-Control"]
