"""The staff's Preview and Add on /sources/ run in a worker, never in the web request (issue 14, item 6),
and a preview stores nothing, not even a raw page file.

The attack: a page that advertises 30 alternate "feeds", each of which never answers. Before, the
staff's form ran the fetch and autodiscovery inside the request (up to NEWSDESK_ADD_DEADLINE_S).
Now the POST answers at once with a status page and nothing fetched; the worker's task tries at most
MAX_CANDIDATES candidates within the budget, and the status page then shows the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article
from newsdesk.flow.adding import MAX_CANDIDATES
from newsdesk.flow.additions import ADDITION_LEASE, lost_additions, prune_previews
from newsdesk.flow.tasks import add_source_task
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import FetchAttempt, Source, SourceAddition
from newsdesk.testing.loopback import LoopbackServer, hang, static

pytestmark = [pytest.mark.django_db(transaction=True)]

N_ALTERNATES = 30
BUDGET_S = 2.5
ARTICLE = (
    b"<html><head><title>Ferry timetable changes</title></head><body><article><h1>Ferry timetable"
    b" changes</h1><p>The harbour's ferries run every twenty minutes from Monday.</p></article></body></html>"
)


@pytest.fixture
def tarpit(settings) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 1.0
    settings.NEWSDESK_ADD_DEADLINE_S = BUDGET_S
    reset_fetcher()
    with LoopbackServer() as server:
        links = "".join(
            f'<link rel="alternate" type="application/rss+xml" href="/feed/{i}.xml">'
            for i in range(N_ALTERNATES)
        )
        page = f"<html><head>{links}</head><body><p>Hello</p></body></html>".encode()
        server.route("/", static(page, content_type="text/html"))
        server.route("/ferries.html", static(ARTICLE, content_type="text/html"))
        for i in range(N_ALTERNATES):
            server.route(f"/feed/{i}.xml", hang())
        yield server
    reset_fetcher()


@pytest.fixture
def staff() -> Client:
    user = get_user_model().objects.create_user("editor", password="pw-editor-123", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def _work() -> float:
    """Be the worker: run the queued addition task's body here; return how long it took."""
    task = HUEY.dequeue()
    assert task is not None and task.name.endswith("add_source_task"), task
    started = time.monotonic()
    add_source_task.call_local(*task.args)
    return time.monotonic() - started


def _post(client: Client, data: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    answer = client.post("/sources/add/", data)
    took = time.monotonic() - started
    assert answer.status_code == 302 and answer["Location"].startswith("/sources/additions/"), answer
    return took, answer["Location"]


@pytest.mark.parametrize("action", ["preview", "save"])
def test_a_page_full_of_tarpit_feeds_holds_neither_the_request_nor_the_worker(
    tarpit, staff, action: str
) -> None:
    HUEY.flush()
    staff.get("/sources/")  # the first request loads the site's modules
    took, status_url = _post(staff, {"url": tarpit.url("/"), "category": "World", "action": action})
    assert took < 2.0, f"the request took {took:.1f} s"
    assert sum(tarpit.hits.values()) == 0, "nothing is fetched in the web request"
    waiting = staff.get(status_url)
    page = waiting.content.decode()
    assert waiting.status_code == 200 and f"Looking at {tarpit.url('/')}" in page
    assert '<meta http-equiv="refresh" content="2">' in page  # the page reloads itself, no script

    worker_s = _work()
    probed = sum(n for path, n in tarpit.hits.items() if path.startswith("/feed/"))
    assert probed <= MAX_CANDIDATES, f"{probed} candidates tried"
    assert worker_s < BUDGET_S + 2.0, f"discovery took {worker_s:.1f} s against a {BUDGET_S} s budget"
    done = staff.get(status_url)
    if action == "preview":
        page = done.content.decode()
        assert done.status_code == 200 and "refresh" not in page
        assert "no feed: the page would be kept as a single article" in page and "Add this source" in page
        assert Source.objects.count() == 0 and Article.objects.count() == 0
    else:
        source = Source.objects.get()
        assert done.status_code == 302 and done["Location"] == f"/source/{source.pk}/"
        assert source.kind == Source.Kind.PAGE and source.category == "World"
        assert "as a single article" in staff.get(done["Location"]).content.decode()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_previewing_a_single_article_leaves_no_file_and_no_row(tarpit, staff, settings, tmp_path) -> None:
    settings.NEWSDESK_RAW_STORE = tmp_path / "raw"
    HUEY.flush()
    _, status_url = _post(staff, {"url": tarpit.url("/ferries.html")})
    _work()
    page = staff.get(status_url).content.decode()
    assert "the page would be kept as a single article" in page and tarpit.url("/ferries.html") in page
    assert _files(settings.NEWSDESK_RAW_STORE) == [], "the preview left a raw page file"
    assert (Source.objects.count(), Article.objects.count(), FetchAttempt.objects.count()) == (0, 0, 0)
    addition = SourceAddition.objects.get()  # the request itself, with what the preview found
    assert addition.status == "previewed" and addition.how == "article" and addition.source is None

    # Saving it does keep the page, as adding an article always has.
    _, status_url = _post(staff, {"url": tarpit.url("/ferries.html"), "action": "save"})
    _work()
    assert staff.get(status_url).status_code == 302
    assert Article.objects.count() == 1 and len(_files(settings.NEWSDESK_RAW_STORE)) == 1


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_the_status_page_is_for_staff_only(tarpit, staff, who: str) -> None:
    HUEY.flush()
    _, status_url = _post(staff, {"url": tarpit.url("/ferries.html")})
    _work()
    client = Client()
    if who == "reader":
        client.force_login(get_user_model().objects.create_user("reader", password="pw-reader-123"))
    refused = client.get(status_url)
    assert refused.status_code == 403 and "Staff only" in refused.content.decode()
    assert tarpit.url("/ferries.html") not in refused.content.decode()
    assert "single article" in staff.get(status_url).content.decode()


def test_the_preview_itself_writes_no_raw_page(tarpit, settings, tmp_path) -> None:
    """The worker's preview of a single page (the step the old preview rolled back, leaving its file)."""
    from newsdesk.flow.preview import preview_url

    settings.NEWSDESK_RAW_STORE = tmp_path / "raw"
    preview = preview_url(tarpit.url("/ferries.html"))
    assert preview.ok and preview.how == "article"
    assert _files(settings.NEWSDESK_RAW_STORE) == [] and Source.objects.count() == 0


def test_a_request_no_worker_takes_says_so(staff) -> None:
    """With no worker running, the status page keeps waiting but tells the operator why."""
    from datetime import timedelta

    from django.utils import timezone

    fresh = SourceAddition.objects.create(url="https://example.org/", preview=True)
    assert "No worker has taken" not in staff.get(f"/sources/additions/{fresh.pk}/").content.decode()
    old = SourceAddition.objects.create(
        url="https://example.org/", preview=True, created_at=timezone.now() - timedelta(minutes=1)
    )
    page = staff.get(f"/sources/additions/{old.pk}/").content.decode()
    assert "No worker has taken" in page and "Looking at https://example.org/" in page


def test_old_previews_are_forgotten_and_additions_kept() -> None:
    long_ago = timezone.now() - timedelta(days=2)
    old_preview = SourceAddition.objects.create(url="https://a.example/", preview=True, finished_at=long_ago)
    recent = SourceAddition.objects.create(url="https://b.example/", preview=True, finished_at=timezone.now())
    added = SourceAddition.objects.create(url="https://c.example/", finished_at=long_ago, status="added")
    assert prune_previews() == 1
    assert set(SourceAddition.objects.values_list("pk", flat=True)) == {recent.pk, added.pk}
    assert not SourceAddition.objects.filter(pk=old_preview.pk).exists()


def test_a_request_whose_task_was_lost_is_found_for_the_sweep() -> None:
    """A worker killed with the task in hand (or a queue emptied) leaves the request pending: the
    minute's sweep queues it again once it is clearly lost, not while it may still be waiting, and
    never a finished one."""
    now = timezone.now()
    SourceAddition.objects.create(url="https://fresh.example/", created_at=now)
    never_taken = SourceAddition.objects.create(
        url="https://lost.example/", created_at=now - timedelta(minutes=5)
    )
    dead_worker = SourceAddition.objects.create(
        url="https://dead.example/", created_at=now - timedelta(hours=1), started_at=now - 2 * ADDITION_LEASE
    )
    SourceAddition.objects.create(
        url="https://done.example/", created_at=now - timedelta(hours=1), status="added"
    )
    # What the minute's sweep queues again (flow/tasks.sweep_pending_articles).
    assert sorted(lost_additions()) == sorted([never_taken.pk, dead_worker.pk])
