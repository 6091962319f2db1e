"""kill -9 in the middle of `newsdesk refresh --all --wait`, then run it again: nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsdesk.testing.loopback import LoopbackServer, respond, static

pytestmark = pytest.mark.slow
N_ITEMS = 40


def _page(request: BaseHTTPRequestHandler) -> None:
    n = request.path.rsplit("/", 1)[-1]
    time.sleep(0.15)  # slow enough that the kill lands mid-run
    paragraphs = "".join(
        f"<p>Report number {n}, paragraph {i}: the committee heard evidence about item {n} and "
        f"reached decision {int(n) * 7 + i} after a long discussion of the budget.</p>"
        for i in range(8)
    )
    respond(
        request,
        200,
        f"<html><head><title>Report {n}</title></head><body><article><h1>Report {n}</h1>"
        f"{paragraphs}</article></body></html>".encode(),
    )


def _feed(server: LoopbackServer) -> bytes:
    items = "".join(
        f"<item><title>Report {i}</title><link>{server.url(f'/page/{i}')}</link><guid>r-{i}</guid></item>"
        for i in range(N_ITEMS)
    )
    channel = f"<channel><title>Kill Test</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def _cli(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEWSDESK_HOME": str(home),
        "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
        # a short lease, so the work the killed process held is taken up again within seconds
        "NEWSDESK_ARTICLE_LEASE_S": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def test_kill_during_refresh_wait_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        for i in range(N_ITEMS):
            server.route(f"/page/{i}", _page)
        server.route("/feed.xml", static(_feed(server), content_type="application/rss+xml"))
        add = _cli(tmp_path, "add", server.url("/feed.xml"))
        assert add.wait(60) == 0, add.stdout.read().decode() if add.stdout else ""
        db = tmp_path / "newsdesk.sqlite3"
        done_sql = "SELECT count(*) FROM articles_article WHERE stage = 'clustered'"

        for cycle in range(2):
            run = _cli(tmp_path, "refresh", "--all", "--wait")
            deadline = time.monotonic() + 60
            target = 5 + cycle * 12
            while _count(db, done_sql) < target and time.monotonic() < deadline and run.poll() is None:
                time.sleep(0.05)
            assert run.poll() is None, "refresh finished before it could be killed"
            run.send_signal(signal.SIGKILL)
            run.wait(10)
            assert _count(db, done_sql) < N_ITEMS

        final = _cli(tmp_path, "refresh", "--all", "--wait")
        output = final.communicate(timeout=300)[0].decode()
        assert final.returncode == 0, output

    assert _count(db, "SELECT count(*) FROM articles_article") == N_ITEMS
    assert _count(db, "SELECT count(DISTINCT guid) FROM articles_article") == N_ITEMS
    assert _count(db, done_sql) == N_ITEMS
    assert _count(db, "SELECT count(*) FROM articles_article WHERE extraction_method = 'feed'") == 0
    assert _count(db, "SELECT count(*) FROM articles_article WHERE duplicate_of_id IS NOT NULL") == 0
