"""Webhooks end to end: articles go through the real pipeline, the worker's queued tasks run, a
receiver on loopback gets each event once with a valid signature; a receiver that answers 500
is retried with back-off, then its hook is turned off with the reason shown."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from huey.contrib.djhuey import HUEY

from newsdesk.articles.models import Article
from newsdesk.flow.importing import ImportReport, import_path
from newsdesk.flow.work import run_until_idle
from newsdesk.readers.models import SavedSearch
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story
from newsdesk.testing.loopback import LoopbackServer, respond
from newsdesk.webhooks import delivery, events
from newsdesk.webhooks.models import Delivery, Webhook
from tests.stories.test_stories import _write_jsonl

pytestmark = [pytest.mark.django_db(transaction=True)]


class Receiver:
    """A webhook receiver: verifies every signature and keeps what arrived."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets  # path -> secret
        self.received: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def handler(self, status: int):
        def handle(request: BaseHTTPRequestHandler) -> None:
            body = request.rfile.read(int(request.headers["Content-Length"]))
            path = request.path
            expected = "sha256=" + hmac.new(self.secrets[path].encode(), body, hashlib.sha256).hexdigest()
            with self.lock:
                self.received.append(
                    {
                        "path": path,
                        "valid": hmac.compare_digest(expected, request.headers["X-Newsdesk-Signature"]),
                        "delivery": request.headers["X-Newsdesk-Delivery"],
                        "event": request.headers["X-Newsdesk-Event"],
                        "body": json.loads(body),
                        "at": time.monotonic(),
                    }
                )
            respond(request, status, b"ok" if status < 300 else b"boom", content_type="text/plain")

        return handle


def _drain_queue(repeat: int = 1) -> int:
    """Run what the worker would: every queued task (`repeat` times each, as a re-delivered queue)."""
    tasks = []
    while (task := HUEY.dequeue()) is not None:
        tasks.append(task)
    for _ in range(repeat):
        for task in tasks:
            HUEY.execute(task)
    return len(tasks)


def _deliver_until_settled(limit_s: float = 20.0) -> None:
    deadline = time.monotonic() + limit_s
    while Delivery.objects.filter(status=Delivery.Status.PENDING).exists() and time.monotonic() < deadline:
        delivery.deliver_due()
        time.sleep(0.02)


@pytest.fixture
def fast_retries(settings) -> None:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_WEBHOOK_RETRY_BASE_S = 0.1
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 3
    settings.NEWSDESK_WEBHOOK_DISABLE_AFTER = 4
    HUEY.flush()


def test_each_event_once_signed_and_a_failing_hook_turned_off(tmp_path: Path, fast_retries) -> None:
    alice = User.objects.create_user("alice", "alice@example.org", "pw-alice-123")
    SavedSearch.objects.create(user=alice, name="Haaland", query="Haaland")
    with LoopbackServer() as server:
        good = Webhook.objects.create(
            user=alice,
            url=server.url("/good"),
            on_new_story=True,
            on_story_outlets=True,
            min_outlets=3,
            on_search_match=True,
        )
        bad = Webhook.objects.create(user=None, url=server.url("/bad"), on_new_story=True)
        receiver = Receiver({"/good": good.secret, "/bad": bad.secret})
        server.route("/good", receiver.handler(200))
        server.route("/bad", receiver.handler(500))

        report = ImportReport()
        import_path(_write_jsonl(tmp_path), report)
        run_until_idle(threads=1)
        assert Delivery.objects.count() == 0  # nothing is decided or sent inline by the pipeline
        assert _drain_queue(repeat=2) > 0  # every queued task run twice: still one delivery per event
        _deliver_until_settled()

    got = [r for r in receiver.received if r["path"] == "/good"]
    assert got and all(r["valid"] for r in receiver.received)
    keys = sorted((r["event"], r["body"].get("story", {}).get("id"), r["body"]["article"]["id"]) for r in got)
    assert len({r["delivery"] for r in got}) == len(got)  # each event once
    stories = Story.objects.count()
    soyuz = Article.objects.get(guid="soyuz-0").story
    haaland = sorted(Article.objects.filter(guid__startswith="football-").values_list("pk", flat=True))
    assert [k[0] for k in keys].count("story.new") == stories
    assert [(k[0], k[1]) for k in keys if k[0] == "story.outlets"] == [("story.outlets", soyuz.pk)]
    assert sorted(k[2] for k in keys if k[0] == "search.match") == haaland
    outlets = next(r for r in got if r["event"] == "story.outlets")
    assert (
        outlets["body"]["story"]["source_count"] >= 3 and outlets["body"]["delivery"] == outlets["delivery"]
    )

    # The failing receiver: retried (same delivery id, growing gaps), then the hook is turned off.
    failed = [r for r in receiver.received if r["path"] == "/bad"]
    assert len(failed) == 4  # the 4th failure in a row turns the hook off
    per_delivery: dict[str, list[float]] = {}
    for r in failed:
        per_delivery.setdefault(r["delivery"], []).append(r["at"])
    retried = [times for times in per_delivery.values() if len(times) > 1]
    assert retried and retried[0][1] - retried[0][0] >= 0.1
    bad.refresh_from_db()
    assert not bad.active and "4 failed deliveries in a row" in bad.disabled_reason
    assert "HTTP 500" in bad.disabled_reason
    assert not Delivery.objects.filter(hook=bad, status=Delivery.Status.PENDING).exists()
    assert Delivery.objects.filter(hook=good, status=Delivery.Status.DELIVERED).count() == len(got)
    log = Delivery.objects.filter(hook=bad).first().log.first()
    assert log.response_code == 500 and log.duration_ms >= 0 and "HTTP 500" in log.error

    # The reason is shown in the admin (site-wide hook) …
    admin = User.objects.create_superuser("root", "root@example.org", "pw-root-123")
    client = Client()
    client.force_login(admin)
    assert bad.disabled_reason in client.get("/admin/webhooks/webhook/").content.decode()


def test_settings_page_shows_reason_and_guard_refuses_private_targets(settings) -> None:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = False
    settings.NEWSDESK_WEBHOOK_DISABLE_AFTER = 1
    bob = User.objects.create_user("bob", "bob@example.org", "pw-bob-12345")
    client = Client()
    client.force_login(bob)
    page = client.post("/settings/webhooks/", {"action": "create", "url": "ftp://x"}, follow=True)
    assert "must start with http" in page.content.decode()
    with LoopbackServer() as server:
        client.post(
            "/settings/webhooks/", {"action": "create", "url": server.url("/hook"), "on_new_story": "on"}
        )
        hook = Webhook.objects.get(user=bob)
        source = Source.objects.create(
            url="https://x.example/f", canonical_url="https://x.example/f", title="X"
        )
        article = Article.objects.create(source=source, guid="1", title="Hello")
        story = Story.objects.create(headline="Hello", source_count=1, article_count=1)
        made = events.emit(article.pk, story.pk, True, 0)
        assert [d.event_key for d in made] == [f"story.new:{story.pk}"]
        assert events.emit(article.pk, story.pk, True, 0) == []  # the same event again: no second delivery
        delivery.deliver(made[0].pk)
        assert server.hits["/hook"] == 0  # loopback refused by the SSRF guard
    hook.refresh_from_db()
    assert not hook.active and "network guard" in hook.disabled_reason
    shown = client.get("/settings/webhooks/").content.decode()
    assert "network guard" in shown and "turned off after 1 failed" in shown
