"""Autodiscovery is bounded and off the request thread (issue 14, item 6).

The attack: a page that advertises 30 alternate "feeds", each of which never answers. Before, the web
request tried every one in turn, up to the fetch timeout each. Now the request answers 202 at once
(nothing fetched in it), and the worker's task tries at most 4 candidates within one budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from newsdesk.flow.adding import MAX_CANDIDATES
from newsdesk.flow.tasks import add_source_task
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import Source, SourceAddition
from newsdesk.testing.loopback import LoopbackServer, hang, static

N_ALTERNATES = 30


@pytest.fixture
def tarpit(settings) -> Iterator[LoopbackServer]:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 1.0
    settings.NEWSDESK_ADD_DEADLINE_S = 2.5
    reset_fetcher()
    with LoopbackServer() as server:
        links = "".join(
            f'<link rel="alternate" type="application/rss+xml" href="/feed/{i}.xml">'
            for i in range(N_ALTERNATES)
        )
        page = f"<html><head>{links}</head><body><p>Hello</p></body></html>".encode()
        server.route("/", static(page, content_type="text/html"))
        for i in range(N_ALTERNATES):
            server.route(f"/feed/{i}.xml", hang())
        yield server
    reset_fetcher()


def test_adding_a_page_full_of_tarpit_feeds_neither_holds_the_request_nor_the_worker(world, tarpit) -> None:
    HUEY.flush()
    staff = Client(headers={"Authorization": f"Bearer {world.staff_token}"})
    assert staff.get("/api/sources").status_code == 200  # the API's first request loads its modules
    started = time.monotonic()
    answer = staff.post("/api/sources", {"url": tarpit.url("/")}, content_type="application/json")
    request_s = time.monotonic() - started
    assert answer.status_code == 202, answer.content
    assert request_s < 2.0, f"the request took {request_s:.1f} s"
    assert sum(tarpit.hits.values()) == 0, "nothing is fetched in the web request"

    # The worker's side: one queued task, bounded in candidates and in time.
    task = HUEY.dequeue()
    assert task is not None and task.name.endswith("add_source_task")
    started = time.monotonic()
    add_source_task.call_local(*task.args)  # the task's body, in this test's transaction
    worker_s = time.monotonic() - started
    probed = sum(n for path, n in tarpit.hits.items() if path.startswith("/feed/"))
    assert probed <= MAX_CANDIDATES, f"{probed} candidates tried"
    assert worker_s < 2.5 + 1.0 + 1.0, f"discovery took {worker_s:.1f} s against a 2.5 s budget"
    addition = SourceAddition.objects.get(pk=answer.json()["id"])
    assert addition.status == "added" and addition.how == "article"  # no feed answered: the page itself
    status = staff.get(f"/api/sources/additions/{addition.pk}").json()
    assert status["status"] == "added" and status["finished_at"]
    assert Client().get(f"/api/sources/additions/{addition.pk}").status_code == 401


def test_the_status_of_an_addition_is_for_staff_only(world, tarpit) -> None:
    addition = SourceAddition.objects.create(url=tarpit.url("/"))
    reader = Client(headers={"Authorization": f"Bearer {world.token}"})
    assert reader.get(f"/api/sources/additions/{addition.pk}").status_code == 403
    assert (
        reader.post("/api/sources", {"url": tarpit.url("/")}, content_type="application/json").status_code
        == 403
    )
    assert not Source.objects.filter(url=tarpit.url("/")).exists()
