"""Scale-out mode under faults: real `newsdesk worker` processes on a private PostgreSQL and Redis.

Each test starts its own PostgreSQL cluster and redis-server on free loopback ports (never the
shared ones: these tests stop and kill them), serves two outlets' feeds and slow article pages on
loopback, and checks what a reader would: every article of the input once, with its page fetched,
extracted, embedded and in a story, and one story per event. Skips when the server binaries are
not installed. Bounded: every wait has a deadline.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsdesk.testing.loopback import LoopbackServer, respond, static
from newsdesk.testing.services import PrivatePostgres, PrivateRedis, ServiceUnavailable

pytestmark = pytest.mark.slow

OUTLETS = ("Harbour Herald", "Valley Courier")
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "du", "fe", "gi", "ho", "ju"]
PAGE_DELAY_S = 1.0  # slow pages, so kills and restarts land while work is in flight


def _words(event: int, n: int = 24) -> list[str]:
    """Invented names only this event uses: the two outlets' reports share them, no other event does."""
    rng = random.Random(event)
    return ["".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() for _ in range(n)]


def _report(event: int, outlet: int) -> tuple[str, str]:
    """One outlet's report of an event: the event's names in an order of its own, little else shared."""
    words = _words(event)
    rng = random.Random(event * 10 + outlet)
    sentences = [" ".join(rng.sample(words, 6)) + "." for _ in range(14)]
    title = " ".join(words[:3] if outlet == 0 else words[1:4])
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    body = f"<body><article><h1>{title}</h1>{paragraphs}</article></body>"
    html = f"<html><head><title>{title}</title></head>{body}</html>"
    return title, html


class Site:
    """One newsdesk site in scale-out mode: its database, its queue, its worker processes."""

    def __init__(self, home: Path, pg: PrivatePostgres, redis: PrivateRedis, n_events: int) -> None:
        self.home = home
        self.n_events = n_events
        self.database = pg.create_database(f"nd_{uuid.uuid4().hex[:10]}")
        self.env = {
            **os.environ,
            "NEWSDESK_HOME": str(home),
            "DATABASE_URL": self.database,
            "REDIS_URL": redis.url,
            "NEWSDESK_QUEUE_NAME": f"scale-test-{uuid.uuid4().hex[:8]}",
            "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
            "NEWSDESK_EMBEDDER": "hashing",  # fast worker starts; the events share invented names
            "NEWSDESK_ARTICLE_LEASE_S": "5",
            "NEWSDESK_SWEEP_STALE_S": "3",
            "NEWSDESK_FETCH_TIMEOUT": "10",
            "NEWSDESK_LOG_LEVEL": "WARNING",
        }
        self.workers: list[subprocess.Popen[bytes]] = []
        self.servers = [LoopbackServer() for _ in OUTLETS]

    def _page(self, outlet: int) -> Callable[[BaseHTTPRequestHandler], None]:
        def handler(request: BaseHTTPRequestHandler) -> None:
            event = int(request.path.rsplit("/", 1)[-1])
            self.servers[outlet].stopping.wait(PAGE_DELAY_S)
            respond(request, 200, _report(event, outlet)[1].encode())

        return handler

    def __enter__(self) -> Site:
        opml = ""
        for outlet, server in enumerate(self.servers):
            server.__enter__()
            items = "".join(
                f"<item><title>{_report(e, outlet)[0]}</title><link>{server.url(f'/story/{e}')}</link>"
                f"<guid>ev{e}-o{outlet}</guid><pubDate>Tue, 08 Apr 2025 {9 + e % 10:02d}:00:00 GMT</pubDate>"
                f"<description>Teaser.</description></item>"
                for e in range(self.n_events)
            )
            channel = f"<channel><title>{OUTLETS[outlet]}</title>{items}</channel>"
            feed = f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'
            server.route("/feed.xml", static(feed.encode(), content_type="application/rss+xml"))
            for e in range(self.n_events):
                server.route(f"/story/{e}", self._page(outlet))
            opml += f'<outline text="{OUTLETS[outlet]}" type="rss" xmlUrl="{server.url("/feed.xml")}"/>'
        (self.home / "feeds.opml").write_text(f'<opml version="2.0"><body>{opml}</body></opml>')
        self.cli("manage", "migrate", "--verbosity", "0")
        self.cli("import-opml", str(self.home / "feeds.opml"))
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
        for server in self.servers:
            server.__exit__(None, None, None)

    def cli(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = (self.home / f"worker-{len(self.workers)}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "worker", "--threads", "2"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def count(self, sql: str) -> int:
        import psycopg

        for _ in range(100):  # the test's own reads ride out a restarting server too
            try:
                with psycopg.connect(self.database, connect_timeout=3) as conn:
                    return int(conn.execute(sql).fetchone()[0])
            except psycopg.OperationalError:
                time.sleep(0.2)
        raise AssertionError("the database did not come back")

    def done(self) -> int:
        return self.count("SELECT count(*) FROM articles_article WHERE stage = 'clustered'")

    def in_flight(self) -> int:
        return self.count(
            "SELECT count(*) FROM articles_article WHERE stage <> 'clustered' AND claimed_until > now()"
        )

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                logs = "\n".join(p.read_text()[-2000:] for p in sorted(self.home.glob("worker-*.log")))
                raise AssertionError(f"{what} not reached in {timeout_s:.0f} s; worker logs:\n{logs}")
            time.sleep(0.2)

    def assert_everything_once(self) -> None:
        n = 2 * self.n_events
        assert self.count("SELECT count(*) FROM articles_article") == n
        assert self.count("SELECT count(DISTINCT guid) FROM articles_article") == n
        complete = (
            "SELECT count(*) FROM articles_article WHERE stage = 'clustered' AND raw_page_key <> '' "
            "AND extraction_method <> 'feed' AND embedding IS NOT NULL AND story_id IS NOT NULL"
        )
        assert self.count(complete) == n, "every article must have its full pipeline"
        assert self.count("SELECT count(*) FROM stories_story") == self.n_events, "a story was duplicated"
        split = self.count(
            "SELECT count(*) FROM (SELECT split_part(guid, '-', 1) FROM articles_article "
            "GROUP BY 1 HAVING count(DISTINCT story_id) > 1) AS s"
        )
        assert split == 0, "an event's reports landed in two stories"


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[PrivatePostgres, PrivateRedis]]:
    try:
        pg, redis = PrivatePostgres(), PrivateRedis()
    except ServiceUnavailable as exc:
        pytest.skip(f"scale-out fault tests need a private server: {exc}")
    with pg, redis:
        yield pg, redis


@pytest.fixture
def site(tmp_path: Path, services: tuple[PrivatePostgres, PrivateRedis], request) -> Iterator[Site]:
    with Site(tmp_path, *services, n_events=request.param) as s:
        yield s


@pytest.mark.parametrize("site", [12], indirect=True)
def test_two_workers_ingest_every_article_once(site: Site) -> None:
    workers = [site.start_worker(), site.start_worker()]
    site.wait_for(lambda: site.done() == 2 * site.n_events, 120, "all articles processed")
    assert all(w.poll() is None for w in workers)
    site.assert_everything_once()
    # Both workers started in the same minute: the scheduler ran once, so each feed was fetched once.
    assert [s.hits["/feed.xml"] for s in site.servers] == [1, 1]
    assert all(s.hits[f"/story/{e}"] == 1 for s in site.servers for e in range(site.n_events))


@pytest.mark.parametrize("site", [40], indirect=True)
def test_ten_kill_9_cycles_lose_and_duplicate_nothing(site: Site) -> None:
    workers = [site.start_worker(), site.start_worker()]
    kills_in_flight = 0
    last = 0
    for cycle in range(10):
        site.wait_for(
            lambda last=last: site.done() >= last + 2 and site.in_flight() > 0,
            90,
            f"progress in cycle {cycle}",
        )
        kills_in_flight += site.in_flight() > 0
        victim = workers[cycle % 2]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        workers[cycle % 2] = site.start_worker()
        last = site.done()
        assert last < 2 * site.n_events, f"ingest finished before kill {cycle + 1}"
    site.wait_for(lambda: site.done() == 2 * site.n_events, 240, "recovery after 10 kills")
    site.assert_everything_once()
    assert kills_in_flight == 10


@pytest.mark.parametrize("site", [16], indirect=True)
def test_postgres_restart_mid_ingest(site: Site, services: tuple[PrivatePostgres, PrivateRedis]) -> None:
    for _ in range(2):
        site.start_worker()
    site.wait_for(lambda: site.done() >= 4 and site.in_flight() > 0, 90, "ingest under way")
    services[0].restart(down_s=2.0)
    site.wait_for(lambda: site.done() == 2 * site.n_events, 240, "recovery after the database restart")
    assert all(w.poll() is None for w in site.workers), "a worker died with the database"
    site.assert_everything_once()


@pytest.mark.parametrize("site", [16], indirect=True)
def test_redis_restart_mid_ingest(site: Site, services: tuple[PrivatePostgres, PrivateRedis]) -> None:
    for _ in range(2):
        site.start_worker()
    site.wait_for(lambda: site.done() >= 4 and site.in_flight() > 0, 90, "ingest under way")
    services[1].restart(down_s=2.0)  # no persistence: the queue comes back empty
    site.wait_for(lambda: site.done() == 2 * site.n_events, 240, "recovery after the Redis restart")
    assert all(w.poll() is None for w in site.workers), "a worker died with Redis"
    site.assert_everything_once()
