"""Webhook receivers are hostile (issue 14, item 3): each test points a hook at a loopback receiver
that attacks the worker — trickling its answer, a gzip bomb, an endless body — or lets one reader
make hooks without end, or parks every delivery on a tarpit while feeds wait to be fetched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.readers.models import Profile
from newsdesk.testing.loopback import LoopbackServer, gzip_bomb, hang, huge_body, static, stopping, trickle
from newsdesk.webhooks import delivery
from newsdesk.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receivers(settings):
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_WEBHOOK_TIMEOUT_S = 1.5
    settings.NEWSDESK_WEBHOOK_RETRY_BASE_S = 60
    with LoopbackServer() as server:
        yield server


def _pending(url: str) -> Delivery:
    hook = Webhook.objects.create(user=None, url=url, on_new_story=True)
    return Delivery.objects.create(hook=hook, event="story.new", event_key="story.new:1", payload={"x": 1})


def _status_line_a_byte_at_a_time(request: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
        if stopping(request).wait(0.2):
            return
        request.wfile.write(bytes([byte]))
        request.wfile.flush()


@pytest.mark.parametrize(
    "handler",
    [_status_line_a_byte_at_a_time, hang(), trickle(interval_s=0.2, total=100_000)],
    ids=["status-trickled", "silent", "body-trickled"],
)
def test_a_slow_receiver_holds_a_delivery_no_longer_than_the_total_deadline(receivers, handler) -> None:
    receivers.route("/hook", handler)
    d = _pending(receivers.url("/hook"))
    # In a thread, so that a delivery held without end fails the test instead of hanging it.
    call = threading.Thread(target=delivery.deliver, args=(d.pk,), daemon=True)
    started = time.monotonic()
    call.start()
    call.join(timeout=1.5 + 1.0)
    elapsed = time.monotonic() - started
    assert not call.is_alive(), f"the delivery still ran after {elapsed:.1f} s against a 1.5 s deadline"
    d.refresh_from_db()
    attempt = d.log.get()
    if handler is _status_line_a_byte_at_a_time or attempt.response_code is None:
        assert "did not answer within 1.5 s" in attempt.error and d.status == Delivery.Status.PENDING
    else:  # the 200 came at once: the body it trickles is ignored
        assert attempt.ok and d.status == Delivery.Status.DELIVERED


def test_a_gzip_bomb_or_an_endless_reply_is_neither_inflated_nor_read(receivers) -> None:
    receivers.route("/bomb", gzip_bomb(2**28))  # 256 MiB of zeros in ~256 KiB of gzip
    receivers.route("/endless", huge_body(2**30))
    for path in ("/bomb", "/endless"):
        d = _pending(receivers.url(path))
        Delivery.objects.filter(pk=d.pk).update(event_key=f"story.new:{path}")
        tracemalloc.start()
        try:
            delivery.deliver(d.pk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 16 * 2**20, f"{path}: {peak / 2**20:.0f} MiB held for a reply that is ignored"
        d.refresh_from_db()
        assert d.status == Delivery.Status.DELIVERED, d.error


def test_a_reader_may_keep_only_so_many_hooks(settings) -> None:
    settings.NEWSDESK_WEBHOOKS_PER_READER = 3
    mallory = User.objects.create_user("mallory", "m@example.org", "pw-mallory-123")
    Profile.objects.create(user=mallory, email_verified=True)
    client = Client()
    client.force_login(mallory)
    for i in range(5):
        page = client.post(
            "/settings/webhooks/",
            {"action": "create", "url": f"https://victim.example/{i}", "on_new_story": "on"},
            follow=True,
        )
    assert Webhook.objects.filter(user=mallory).count() == 3
    assert "a reader may have 3 webhooks" in page.content.decode()


FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ingest Outlet</title>'
    b"<item><title>One</title><link>http://example.org/1</link><guid>one</guid>"
    b"<description>The first report of the day.</description></item></channel></rss>"
)

SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings"); django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from newsdesk.sources.models import Source
from newsdesk.flow.tasks import fetch_source_task
from newsdesk.webhooks.models import Delivery, Webhook
from newsdesk.webhooks.tasks import deliver_task
for i in range(4):  # more tarpit deliveries than a worker has threads
    hook = Webhook.objects.create(user=None, url="{hook}", on_new_story=True)
    d = Delivery.objects.create(hook=hook, event="story.new", event_key=f"story.new:{{i}}", payload={{}})
    deliver_task(d.pk)
source = Source.objects.create(url="{feed}", canonical_url="{feed}")
fetch_source_task(source.pk)
"""


@pytest.mark.slow
def test_deliveries_stuck_on_a_tarpit_never_starve_ingest(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        server.route("/hook", hang())
        server.route("/feed.xml", static(FEED, content_type="application/rss+xml"))
        env = {
            **os.environ,
            "NEWSDESK_HOME": str(tmp_path),
            "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
            "NEWSDESK_WEBHOOK_TIMEOUT_S": "120",
            "NEWSDESK_EMBEDDER": "hashing",
            "NEWSDESK_FETCH_ARTICLE_PAGES": "0",
            "NEWSDESK_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        script = SETUP.format(hook=server.url("/hook"), feed=server.url("/feed.xml"))
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300)
        worker = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "worker", "--threads", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            fetched = False
            while not fetched and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.5)
                with sqlite3.connect(tmp_path / "newsdesk.sqlite3", timeout=30) as db:
                    row = db.execute("SELECT last_fetch_at FROM sources_source").fetchone()
                fetched = bool(row and row[0])
            assert worker.poll() is None, "the worker died"
            assert fetched, "the feed waited behind webhook deliveries parked on a tarpit"
            assert server.hits["/hook"] >= 1 and server.hits["/feed.xml"] == 1
        finally:
            worker.kill()
            worker.wait(timeout=30)
