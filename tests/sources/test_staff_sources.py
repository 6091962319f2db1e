"""The staff's source tools on /sources/: add with autodiscovery and a preview that stores nothing
(both done by a worker while the browser watches a status page), edit, pause/resume, delete, refresh
now, OPML upload — and a reader who is not staff is refused (403) with nothing changed, as is a
request without its CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article
from newsdesk.flow.tasks import add_source_task
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import FetchAttempt, Source, SourceAddition
from newsdesk.testing.loopback import Handler, LoopbackServer, static

pytestmark = [pytest.mark.django_db(transaction=True)]

OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="World"><outline type="rss" text="Daily World" xmlUrl="https://world.example/feed.xml"/></outline>
<outline type="rss" text="Tech Weekly" xmlUrl="https://tech.example/rss"/>
</body></opml>"""


def _feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Harbour report {i}</title><link>https://harbour.example/{i}</link>"
        f"<guid>h-{i}</guid><pubDate>Mon, 0{i + 1} Dec 2025 10:00:00 GMT</pubDate></item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
        f"<link>https://harbour.example/</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def hits() -> list[str]:
    return []


def _counted(handler: Handler, hits: list[str]) -> Handler:
    def serve(request: BaseHTTPRequestHandler) -> None:
        hits.append(request.path)
        handler(request)

    return serve


@pytest.fixture
def server(settings, hits: list[str]) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    reset_fetcher()
    with LoopbackServer() as srv:
        srv.route("/feed.xml", _counted(static(_feed(3), content_type="application/rss+xml"), hits))
        home = (
            f'<html><head><link rel="alternate" type="application/rss+xml" href="{srv.url("/feed.xml")}">'
            "</head><body>Harbour Gazette</body></html>"
        )
        srv.route("/", _counted(static(home.encode()), hits))
        yield srv
    reset_fetcher()


@pytest.fixture
def staff() -> Client:
    user = get_user_model().objects.create_user("editor", password="pw-editor-123", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reader() -> Client:
    user = get_user_model().objects.create_user("reader", password="pw-reader-123")
    client = Client()
    client.force_login(user)
    return client


def _run_queued() -> None:
    """Be the worker for the one queued addition (tests run no consumer)."""
    task = HUEY.dequeue()
    assert task is not None and task.name.endswith("add_source_task"), task
    add_source_task.call_local(*task.args)


def test_preview_shows_what_the_feed_holds_and_stores_nothing_then_add_saves(server, staff, hits) -> None:
    HUEY.flush()
    sources_page = staff.get("/sources/").content.decode()
    assert "Add a source" in sources_page and "OPML file" in sources_page

    asked = staff.post("/sources/add/", {"url": server.url("/"), "category": "News / World"})
    assert asked.status_code == 302 and hits == []  # answered at once: the worker fetches
    assert "Looking at" in staff.get(asked["Location"]).content.decode()
    _run_queued()
    preview = staff.get(asked["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "the site's feed" in page and server.url("/feed.xml") in page  # found by autodiscovery
    assert "Harbour report 2" in page and "3 articles" in page and "World" in page
    assert Source.objects.count() == 0 and Article.objects.count() == 0 and FetchAttempt.objects.count() == 0

    saved = staff.post(
        "/sources/add/", {"url": server.url("/feed.xml"), "category": "News / World", "action": "save"}
    )
    assert saved.status_code == 302 and Source.objects.count() == 0  # the worker adds it
    _run_queued()
    source = Source.objects.get()
    done = staff.get(saved["Location"])
    assert done.status_code == 302 and done["Location"] == f"/source/{source.pk}/"
    assert source.url == server.url("/feed.xml") and source.category == "News / World" and source.active
    assert "first fetch is queued" in staff.get(done["Location"]).content.decode()
    first_fetch = HUEY.dequeue()
    assert first_fetch is not None and first_fetch.name.endswith("fetch_source_task")

    # Previewing it again says it is followed; its button saves the category, with no worker needed.
    again = staff.post("/sources/add/", {"url": server.url("/feed.xml"), "category": "Business"})
    _run_queued()
    assert "Update category" in staff.get(again["Location"]).content.decode()
    update = staff.post(
        "/sources/add/", {"url": server.url("/feed.xml"), "category": "Business", "action": "save"}
    )
    assert update["Location"] == f"/source/{source.pk}/" and HUEY.dequeue() is None
    source.refresh_from_db()
    assert source.category == "Business" and Source.objects.count() == 1


def test_preview_of_an_unreachable_address_says_why(settings, staff) -> None:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    HUEY.flush()
    asked = staff.post("/sources/add/", {"url": "http://127.0.0.1:9/feed.xml"})
    _run_queued()
    page = staff.get(asked["Location"]).content.decode()
    assert 'class="error"' in page and "could not fetch" in page and Source.objects.count() == 0


def test_an_address_refused_without_fetching_is_refused_at_once(staff) -> None:
    HUEY.flush()
    refused = staff.post("/sources/add/", {"url": "http://127.0.0.1:9/feed.xml"})  # a private host
    assert refused["Location"] == "/sources/" and HUEY.dequeue() is None
    assert 'class="error"' in staff.get("/sources/").content.decode()


def test_edit_pause_resume_refresh_delete(server, staff) -> None:
    source = Source.objects.create(url=server.url("/feed.xml"), canonical_url=server.url("/feed.xml"))
    page = staff.get(f"/source/{source.pk}/").content.decode()
    assert "Refresh now" in page and "Pause" in page and "Delete" in page

    staff.post(f"/source/{source.pk}/edit/", {"title": "Harbour Gazette", "category": "Business"})
    source.refresh_from_db()
    assert (source.title, source.category) == ("Harbour Gazette", "Business")
    assert "It is in Business" in staff.get(f"/source/{source.pk}/").content.decode()

    staff.post(f"/source/{source.pk}/pause/", {"active": "0"})
    source.refresh_from_db()
    assert not source.active and source.health == "paused"
    staff.post(f"/source/{source.pk}/pause/", {"active": "1", "next": "list"})
    source.refresh_from_db()
    assert source.active

    refreshed = staff.post(f"/source/{source.pk}/refresh/")
    assert (
        refreshed.status_code == 302
        and "a fetch is queued" in staff.get(refreshed["Location"]).content.decode()
    )

    staff.post(f"/source/{source.pk}/delete/")  # unconfirmed: nothing happens
    assert Source.objects.filter(pk=source.pk).exists()
    gone = staff.post(f"/source/{source.pk}/delete/", {"confirm": "yes"})
    assert gone["Location"] == "/sources/" and not Source.objects.filter(pk=source.pk).exists()


def test_opml_upload_adds_each_feed_once(staff) -> None:
    upload = SimpleUploadedFile("subs.opml", OPML, content_type="text/x-opml")
    response = staff.post("/sources/opml/", {"opml": upload})
    assert "2 sources added, 0 already there" in staff.get(response["Location"]).content.decode()
    assert set(Source.objects.values_list("title", "category")) == {
        ("Daily World", "World"),
        ("Tech Weekly", ""),
    }
    again = staff.post("/sources/opml/", {"opml": SimpleUploadedFile("subs.opml", OPML)})
    assert "0 sources added, 2 already there" in staff.get(again["Location"]).content.decode()
    bad = staff.post("/sources/opml/", {"opml": SimpleUploadedFile("x.opml", b"<html>no</html>")})
    assert "Not a usable OPML file" in staff.get(bad["Location"]).content.decode()
    assert Source.objects.count() == 2


def _snapshot() -> list[tuple]:
    return list(Source.objects.order_by("pk").values_list("pk", "title", "category", "active", "url"))


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_anyone_but_staff_gets_403_and_nothing_changes(server, reader, hits: list[str], who: str) -> None:
    client = reader if who == "reader" else Client()
    source = Source.objects.create(
        url=server.url("/feed.xml"), canonical_url=server.url("/feed.xml"), title="Kept", category="World"
    )
    before = _snapshot()
    page = client.get("/sources/").content.decode()
    assert "Add a source" not in page and "Pause" not in page
    attempts = [
        ("/sources/add/", {"url": server.url("/"), "action": "save"}),
        ("/sources/add/", {"url": server.url("/")}),  # a preview fetches: staff only too
        (f"/source/{source.pk}/edit/", {"title": "Hijacked", "category": "Sport"}),
        (f"/source/{source.pk}/pause/", {"active": "0"}),
        (f"/source/{source.pk}/refresh/", {}),
        (f"/source/{source.pk}/delete/", {"confirm": "yes"}),
        ("/sources/opml/", {"opml": SimpleUploadedFile("subs.opml", OPML)}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "Staff only" in response.content.decode()
    assert _snapshot() == before and FetchAttempt.objects.count() == 0 and Article.objects.count() == 0
    assert not SourceAddition.objects.exists()  # nothing queued for a worker either
    assert hits == []  # not even a preview's fetch was made for them


def test_staff_post_without_csrf_token_is_refused(server) -> None:
    user = get_user_model().objects.create_user("editor2", password="pw-editor-456", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    source = Source.objects.create(
        url=server.url("/feed.xml"), canonical_url=server.url("/feed.xml"), title="Kept"
    )
    before = _snapshot()
    assert client.post(f"/source/{source.pk}/delete/", {"confirm": "yes"}).status_code == 403
    assert client.post("/sources/add/", {"url": server.url("/"), "action": "save"}).status_code == 403
    assert _snapshot() == before
