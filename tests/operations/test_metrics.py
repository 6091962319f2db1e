"""/metrics scraped after a real ingest (feeds over loopback, the whole pipeline) agrees with
`newsdesk status --json` on the same database; per-process metrics add up across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from newsdesk import cli
from newsdesk.articles.models import Article
from newsdesk.flow.adding import add_url
from newsdesk.flow.work import refresh_sources, wait_until_idle
from newsdesk.runtime.fetcher import reset_fetcher
from newsdesk.sources.models import FetchAttempt, Source
from newsdesk.stories.models import Story
from newsdesk.testing.loopback import LoopbackServer, static
from tests.stories.test_two_processes import _feed

pytestmark = [pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
OUTLETS = ["Orbit Daily", "World Wire", "Science Post", "Rocket Review", "Sport Today"]


def scrape(base: str) -> dict[str, dict[tuple, float]]:
    """Samples by name, keyed by their sorted labels."""
    text = httpx.get(base + "/metrics", timeout=30).text
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return samples


def status_json(capsys) -> dict:
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_metrics_agree_with_status_after_ingest(settings, live_server, capsys) -> None:
    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    reset_fetcher()
    with LoopbackServer() as server:
        for outlet in OUTLETS:
            slug = outlet.lower().replace(" ", "")
            server.route(f"/{slug}.xml", static(_feed(outlet), content_type="application/rss+xml"))
            add_url(server.url(f"/{slug}.xml"))
        server.route("/gone.xml", static(b"gone", status=404))
        Source.objects.create(url=server.url("/gone.xml"), canonical_url=server.url("/gone.xml"))
        before = scrape(live_server.url)
        refresh_sources(list(Source.objects.values_list("pk", flat=True)), threads=2)
        wait_until_idle(threads=1)
    reset_fetcher()
    httpx.get(live_server.url + "/", timeout=30)
    m = scrape(live_server.url)
    status = status_json(capsys)

    by_stage = {dict(k)["stage"]: v for k, v in m["newsdesk_articles"].items()}
    assert by_stage == {k: float(v) for k, v in status["articles"]["by_stage"].items()}
    assert sum(by_stage.values()) == status["articles"]["total"] > 0
    assert m["newsdesk_articles_duplicates"][()] == status["articles"]["duplicates"]
    assert m["newsdesk_articles_waiting_retry"][()] == status["articles"]["failed_waiting_retry"]
    health = {dict(k)["health"]: v for k, v in m["newsdesk_sources"].items()}
    assert health["healthy"] == status["sources"]["healthy"] == len(OUTLETS)
    assert health["failing"] == status["sources"]["failing"] == 1
    assert sum(health.values()) == status["sources"]["total"]
    assert m["newsdesk_stories"][(("kind", "all"),)] == Story.objects.count() > 0
    assert m["newsdesk_pipeline_lag_seconds"][()] == 0  # everything finished

    # Fetches by result, from the database and as counted by the process that fetched.
    attempts = {dict(k)["result"]: v for k, v in m["newsdesk_fetch_attempts"].items()}
    failing_kind = Source.objects.get(url__endswith="/gone.xml").last_error_kind
    assert failing_kind and attempts == {"ok": len(OUTLETS), failing_kind: 1}
    assert sum(attempts.values()) == FetchAttempt.objects.count() == len(OUTLETS) + 1
    # Counters are per process: results an earlier test counted show up here with no new fetches.
    deltas = {
        dict(k)["result"]: v - before.get("newsdesk_fetches_total", {}).get(k, 0)
        for k, v in m["newsdesk_fetches_total"].items()
    }
    counted = {result: n for result, n in deltas.items() if n}
    assert counted == attempts
    assert m["newsdesk_fetch_duration_seconds_count"][()] == len(OUTLETS) + 1
    assert m["newsdesk_fetch_duration_seconds_bucket"][(("le", "+Inf"),)] == len(OUTLETS) + 1

    # Request latency by route name, never by raw path.
    routes = {dict(k)["route"] for k in m["newsdesk_http_request_duration_seconds_count"]}
    assert {"front", "metrics"} <= routes and not any("/" in r for r in routes)

    # An unfinished article an hour old: lag, and the stage counts move together.
    source = Source.objects.first()
    Article.objects.create(
        source=source, guid="late", title="Late", discovered_at=timezone.now() - timedelta(hours=1)
    )
    m2, status2 = scrape(live_server.url), status_json(capsys)
    assert 3590 <= m2["newsdesk_pipeline_lag_seconds"][()] <= 3700
    assert m2["newsdesk_articles"][(("stage", "new"),)] == status2["articles"]["by_stage"]["new"]


def test_other_processes_count_and_json_logs(live_server) -> None:
    """A second process (as a worker is) observes AI latency; the web process's /metrics sums it.
    The same process logs with NEWSDESK_LOG_FORMAT=json: one JSON object a line."""

    def ai_count() -> float:
        return scrape(live_server.url).get("newsdesk_ai_panel_duration_seconds_count", {}).get((), 0.0)

    before = ai_count()
    code = (
        "import django, logging; django.setup();"
        "from newsdesk.runtime.instruments import AI_LATENCY;"
        "AI_LATENCY.observe(0.3); AI_LATENCY.observe(1.2);"
        "logging.getLogger('newsdesk.test').warning('panel made in %s s', 1.2)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ai_count() == before + 2
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    ours = [e for e in lines if e["logger"] == "newsdesk.test"]
    assert ours and ours[0]["message"] == "panel made in 1.2 s" and ours[0]["level"] == "WARNING"
    assert {"time", "level", "logger", "message", "request_id", "route"} <= set(ours[0])
    assert all(line.startswith("{") for line in done.stderr.splitlines() if line.strip())
