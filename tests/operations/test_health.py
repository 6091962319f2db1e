"""/healthz names what is wrong (database, worker heartbeat, queue depth) with a 503; a real
`newsdesk worker` writes the heartbeat; request logs are JSON lines with id, route, status, time."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from newsdesk.runtime import health
from newsdesk.runtime.logs import JsonFormatter, RequestContextFilter
from newsdesk.runtime.models import Heartbeat

pytestmark = [pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_healthz_names_the_failing_part(client, settings) -> None:
    HUEY.flush()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"] and "no worker" in response.json()["worker"]

    health.beat()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["status"] == "ok" and ok.json()["queue_depth"] == 0

    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    stale = client.get("/healthz").json()
    assert stale["failing"] == ["worker"] and "last worker heartbeat" in stale["worker"]

    health.beat()
    settings.NEWSDESK_QUEUE_DEPTH_MAX = 1
    from newsdesk.flow.tasks import fetch_source_task

    fetch_source_task(10**9)
    fetch_source_task(10**9 + 1)
    piled = client.get("/healthz")
    assert piled.status_code == 503 and piled.json()["failing"] == ["queue"]
    assert "2 tasks waiting" in piled.json()["queue"]
    HUEY.flush()


def test_real_worker_writes_heartbeat(tmp_path: Path) -> None:
    db = connection.settings_dict
    url = f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NEWSDESK_HOME": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not Heartbeat.objects.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
        assert Heartbeat.objects.exists(), "the worker wrote no heartbeat"
        assert timezone.now() - Heartbeat.objects.get().beat_at < timedelta(minutes=1)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_request_log_lines_are_json(client) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("newsdesk.request")
    logger.addHandler(handler)
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-42")
        client.get("/article/999999/")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-42"
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    first = entries[0]
    assert first["request_id"] == "req-42" and first["route"] == "healthz" and first["status"] == 503
    assert first["duration_ms"] >= 0 and first["logger"] == "newsdesk.request" and first["level"] == "INFO"
    assert entries[1]["route"] == "article" and entries[1]["status"] == 404 and entries[1]["request_id"]
