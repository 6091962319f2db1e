"""End-to-end ingest over loopback HTTP: feeds and real pages from ../shared/data through newsdesk.

    python -m benchmarks.ingest [--data DIR] [--threads N]

Serves the real article pages (articles-html) behind a generated feed and the real feed snapshots
(rss-feeds-rssarch) on a loopback HTTP server, adds them as sources in a fresh SQLite site, runs
`refresh` + the pipeline until idle, and prints one JSON object: articles/s end to end, and side by
side trafilatura alone extracting the same pages (the ceiling for the extraction step).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
sys.path.insert(0, str(REPO_ROOT / "src"))


def _pages(data: Path) -> list[Path]:
    root = data / "articles-html"
    return sorted(p for p in root.rglob("*.html") if p.stat().st_size < 3 * 2**20)


def _feed_xml(base: str, pages: list[Path], root: Path) -> bytes:
    items = "".join(
        f"<item><title>{p.stem}</title><link>{base}/pages/{p.relative_to(root).as_posix()}</link>"
        f"<guid>{p.relative_to(root).as_posix()}</guid></item>"
        for p in pages
    )
    channel = f"<channel><title>Pages</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def _trafilatura_alone(pages: list[Path]) -> dict[str, float]:
    import trafilatura

    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_bytes(), include_comments=False)
    elapsed = time.perf_counter() - started
    return {"pages": len(pages), "seconds": round(elapsed, 2), "pages_per_s": round(len(pages) / elapsed, 1)}


class _Scraper:
    """Serve the site on loopback and scrape /metrics every second while the ingest runs."""

    def __init__(self) -> None:
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
        self.server.set_app(get_wsgi_application())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/metrics"
        self.timings_ms: list[float] = []
        self.last = ""
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self.server.serve_forever, daemon=True),
            threading.Thread(target=self._loop, daemon=True),
        ]

    def scrape(self) -> str:
        import httpx

        started = time.perf_counter()
        text = httpx.get(self.url, timeout=60).text
        self.timings_ms.append((time.perf_counter() - started) * 1000)
        self.last = text
        return text

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.scrape()

    def __enter__(self) -> _Scraper:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._threads[1].join(timeout=60)
        self.server.shutdown()
        self.server.server_close()


def run(data: Path, threads: int) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="newsdesk-bench-")
    os.environ.update(
        NEWSDESK_HOME=home, NEWSDESK_ALLOW_PRIVATE_NETWORKS="1", DJANGO_SETTINGS_MODULE="newsdesk.settings"
    )
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.articles.models import FINAL_STAGE, Article
    from newsdesk.flow.adding import get_or_create_feed
    from newsdesk.flow.work import refresh_sources, wait_until_idle
    from newsdesk.testing.loopback import LoopbackServer, static

    call_command("migrate", verbosity=0)
    pages = _pages(data)
    rssarch = data / "rss-feeds-rssarch"
    snapshots = sorted(rssarch.glob("*/2025-05-2*.xml"))
    from newsdesk.flow.status import collect_status
    from newsdesk.operations.agreement import mismatches

    with _Scraper() as scraper, LoopbackServer() as server:
        server.serve_dir("/pages", data / "articles-html")
        server.serve_dir("/rssarch", rssarch)
        server.route(
            "/pages.xml", static(_feed_xml(server.url("").rstrip("/"), pages, data / "articles-html"))
        )

        def phase(feed_urls: list[str]) -> dict[str, Any]:
            before = Article.objects.count()
            ids = [get_or_create_feed(url)[0].pk for url in feed_urls]
            started = time.perf_counter()
            refresh_sources(ids, threads=threads)
            wait_until_idle(threads=threads)
            elapsed = time.perf_counter() - started
            n = Article.objects.count() - before
            return {
                "feeds": len(ids),
                "articles": n,
                "seconds": round(elapsed, 2),
                "articles_per_s": round(n / elapsed, 1),
            }

        # Phase 1: real article pages behind one feed — fetch page, extract, deduplicate.
        pages_phase = phase([server.url("/pages.xml")])
        # Phase 2: real feed snapshots whose links point off this machine: the feed text is used.
        feeds_phase = phase([server.url(f"/rssarch/{s.relative_to(rssarch).as_posix()}") for s in snapshots])
        disagreements = mismatches(scraper.scrape(), collect_status())
    timings = sorted(scraper.timings_ms)
    done = Article.objects.filter(stage=FINAL_STAGE)
    trafilatura = _trafilatura_alone(pages)
    return {
        "benchmark": "ingest",
        "threads": threads,
        "pages": {**pages_phase, "extracted_from_page": done.exclude(extraction_method="feed").count()},
        "feed_snapshots": feeds_phase,
        "articles_finished": done.count(),
        "duplicates_marked": done.filter(duplicate_of__isnull=False).count(),
        "metrics_scrapes_during_ingest": len(timings),
        "metrics_scrape_ms_p50": round(timings[len(timings) // 2], 1),
        "metrics_scrape_ms_max": round(timings[-1], 1),
        "metrics_agree_with_status": not disagreements,
        "metrics_disagreements": disagreements,
        "load_average": os.getloadavg()[0],
        "peer_trafilatura_alone": trafilatura,
        "ratio_pages_vs_trafilatura_alone": round(
            pages_phase["articles_per_s"] / trafilatura["pages_per_s"], 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.threads), indent=2))


if __name__ == "__main__":
    main()
