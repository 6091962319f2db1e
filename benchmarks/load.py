"""Load: concurrent readers on a synthetic site, beside a hello-world ASGI app; feeds/min refreshing.

    python -m benchmarks.load [--articles 100000] [--users 50] [--seconds 20] [--feeds 1000] [--home DIR]

Builds (or reuses, with `--home`) the synthetic site of `benchmarks.synthetic` with N articles in
stories of 5, serves it with uvicorn (one process, as `newsdesk web`), and runs
an asyncio httpx client on loopback: `--users` concurrent users, each looping over front, story,
article and search pages for `--seconds`. The same client then hits a minimal ASGI hello-world app
under the same uvicorn settings: the ceiling of this machine with this client. Then `--feeds`
feeds on a loopback server are refreshed twice; the second pass is all conditional GETs (304).
Prints one JSON object; the client shares the CPU with the server (see `loadavg`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT))

HELLO = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello, world"})
"""


# The same server settings for the site and the hello-world app (one process, as `newsdesk web`).
UVICORN = ["--workers", "1", "--log-level", "warning", "--no-access-log", "--lifespan", "off"]


def _pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(xs) * 1000, p)), 1) if xs else 0.0


def _precompute_panels(article_ids: list[int]) -> None:
    """The worker computes AI panels ahead of readers; here one real panel is stored for every page
    the readers visit, so pages render a panel of real size instead of running spaCy on first view."""
    from newsdesk.articles.insights import panel_for
    from newsdesk.articles.models import Article, Insight

    data = panel_for(Article.objects.get(pk=article_ids[0]))
    Insight.objects.bulk_create(
        [Insight(article_id=pk, data=data, text_fingerprint="") for pk in article_ids[1:]],
        ignore_conflicts=True,
    )


def _precompute_story_panels(story_ids: list[int]) -> None:
    """As for articles: one real story panel, stored for every sampled story under that story's own
    members fingerprint, so story pages render a stored panel (the worker's job) and never make one."""
    from newsdesk.stories.insights import _fingerprint, _member_rows, _select, story_panel
    from newsdesk.stories.models import Story, StoryInsight

    first = story_panel(Story.objects.get(pk=story_ids[0]))
    if first is None:
        return
    rows = {}
    for start in range(0, len(story_ids), 500):
        rows.update(_member_rows(story_ids[start : start + 500]))
    StoryInsight.objects.bulk_create(
        [
            StoryInsight(
                story_id=pk,
                members_fingerprint=_fingerprint(_select(rows.get(pk, []))),
                data=first.data,
                passages=first.passages,
                vectors=first.vectors,
                embedder_name=first.embedder_name,
            )
            for pk in story_ids[1:]
        ],
        ignore_conflicts=True,
    )


def _worker_beat() -> None:
    """A live worker's heartbeat, as on a deployed site (`newsdesk worker` beside `newsdesk web`):
    pages then leave missing AI panels to the worker instead of computing them on the request."""
    from django.utils import timezone

    from newsdesk.runtime.models import Heartbeat

    Heartbeat.objects.update_or_create(name="benchmarks.load", defaults={"beat_at": timezone.now()})


def _serve(target: str, port: int, env: dict[str, str], cwd: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), *UVICORN],
        env=env,
        cwd=cwd,
    )
    from newsdesk.testing.services import _wait_for_port

    _wait_for_port(port, 60, proc)
    return proc


async def _users(base: str, paths: dict[str, list[str]], users: int, seconds: float) -> dict[str, Any]:
    import httpx

    times: dict[str, list[float]] = {kind: [] for kind in paths}
    errors = 0
    kinds = list(paths)
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def user(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                kind = kinds[rng.randrange(len(kinds))]
                started = time.perf_counter()
                try:
                    response = await client.get(rng.choice(paths[kind]))
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                errors += not ok
                times[kind].append(elapsed)

        started = time.monotonic()
        await asyncio.gather(*(user(i) for i in range(users)))
        wall = time.monotonic() - started
    every = [t for ts in times.values() for t in ts]
    return {
        "requests": len(every),
        "errors": errors,
        "requests_per_s": round(len(every) / wall, 1),
        "all_ms": {"p50": _pct(every, 50), "p95": _pct(every, 95), "p99": _pct(every, 99)},
        **{
            f"{kind}_ms": {"p50": _pct(ts, 50), "p95": _pct(ts, 95), "p99": _pct(ts, 99), "n": len(ts)}
            for kind, ts in times.items()
        },
    }


def load(site: dict[str, Any], users: int, seconds: float) -> dict[str, Any]:
    from newsdesk.testing.services import free_port

    rng = random.Random(1)
    paths = {
        "front": ["/"],
        "story": [f"/story/{pk}/" for pk in site["story_ids"]],
        "article": [f"/article/{pk}/" for pk in site["article_ids"]],
        "search": [f"/search/?q={'+'.join(rng.sample(site['words'], 2))}" for _ in range(300)],
    }
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    _worker_beat()
    port = free_port()
    web = _serve("newsdesk.asgi:application", port, env, str(REPO_ROOT))
    try:
        base = f"http://127.0.0.1:{port}"
        import httpx

        for kind_paths in paths.values():  # warm up: the ANN index and caches are built on first use
            httpx.get(base + kind_paths[0], timeout=600)
        asyncio.run(_users(base, {k: v[:20] for k, v in paths.items()}, 4, 3))
        site_result = asyncio.run(_users(base, paths, users, seconds))
    finally:
        web.kill()
        web.wait(15)
    hello_dir = tempfile.mkdtemp(prefix="newsdesk-hello-")
    Path(hello_dir, "hello_asgi.py").write_text(HELLO)
    port = free_port()
    hello = _serve("hello_asgi:app", port, env, hello_dir)
    try:
        hello_result = asyncio.run(_users(f"http://127.0.0.1:{port}", {"hello": ["/"]}, users, seconds))
    finally:
        hello.kill()
        hello.wait(15)
    return {
        "site": site_result,
        "hello_world": hello_result,
        "site_over_hello_rps": round(
            site_result["requests_per_s"] / max(hello_result["requests_per_s"], 1), 3
        ),
    }


def feeds(n: int) -> dict[str, Any]:
    """n feeds on loopback, refreshed twice through the real refresh path; the second pass is 304s."""
    from django.conf import settings

    from newsdesk.flow.work import refresh_sources
    from newsdesk.runtime.fetcher import reset_fetcher
    from newsdesk.sources.models import Source
    from newsdesk.testing.loopback import LoopbackServer

    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_ARTICLE_PAGES = False
    reset_fetcher()
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-feeds-"))
    for i in range(n):
        items = "".join(
            f"<item><title>Feed {i} item {k}</title><link>https://f{i}.example/{k}</link>"
            f"<guid>f{i}-{k}</guid><description>Item {k} of feed {i}.</description></item>"
            for k in range(10)
        )
        (folder / f"{i}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {i}</title>{items}</channel></rss>'
        )
    result: dict[str, Any] = {"feeds": n}
    with LoopbackServer() as server:
        server.serve_dir("/feeds", folder)
        ids = [
            Source.objects.create(
                url=server.url(f"/feeds/{i}.xml"), canonical_url=f"loop-{i}", title=f"F{i}"
            ).pk
            for i in range(n)
        ]
        for label in ("first_fetch", "conditional_get"):
            started = time.perf_counter()
            refresh_sources(ids, threads=8)
            elapsed = time.perf_counter() - started
            result[f"{label}_feeds_per_min"] = round(n / elapsed * 60)
        result["not_modified"] = Source.objects.filter(pk__in=ids, consecutive_failures=0).count()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--feeds", type=int, default=1000, help="0 skips the feed refresh")
    parser.add_argument(
        "--home", help="site folder to reuse: built there on first use (with site.json), reused after"
    )
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        NEWSDESK_HOME=str(home),
        NEWSDESK_EMBEDDER="hashing",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from benchmarks.synthetic import prepare, query_words, sample_ids
    from newsdesk.articles.models import Article
    from newsdesk.stories.models import Story

    site = prepare(home, args.articles)
    site.update(article_ids=sample_ids(Article, 2000), story_ids=sample_ids(Story, 2000), words=query_words())
    # Every page the readers visit has its AI panels stored, as the worker would have made them.
    _precompute_panels(site["article_ids"])
    _precompute_story_panels(site["story_ids"])
    out: dict[str, Any] = {
        "articles": args.articles,
        "users": args.users,
        "seconds": args.seconds,
        "server": "uvicorn, 1 worker process",
        "insert_s": site["insert_s"],
        "site_reused": site["reused"],
        "sqlite_bytes_per_article": site["db_bytes_per_article"],
        "sqlite_gib_per_million_extrapolated": round(site["db_bytes_per_article"] * 1e6 / 2**30, 2),
    }
    out.update(load(site, args.users, args.seconds))
    if args.feeds:
        out["feed_refresh"] = feeds(args.feeds)
    out["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
