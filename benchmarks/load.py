"""Load: pages at reader scale, beside a hello-world ASGI app served the same way; feeds/min refreshing.

    python -m benchmarks.load [--articles 20000] [--seconds 8] [--connections 50 200] [--readers 50]
                              [--feeds 0] [--home DIR]

Builds (or reuses, with `--home`) the synthetic site of `benchmarks.synthetic` (N articles in stories
of five, every visited page's AI panels stored as the worker would), serves it as `newsdesk web` does
(its server, its number of processes) and drives it from loopback with `wrk` (Debian's; installed with
apt-get when missing and running as root; otherwise an asyncio httpx client, named in the output).

First, `first_view_ms`: pages nobody asked for yet, one at a time (the cost of making a page). Then
each page kind (front, story, article, search, and section when the site has section pages) is
measured alone, so each gets its own requests/s and latency percentiles: 500 stories, 500 articles,
250 searches, each seen once just before its kind is measured (the steady state of pages readers keep
asking for), for anonymous readers and for logged-in ones (`--readers` accounts following outlets and
entities, every tenth muting the same outlet; each request carries one of their session cookies), at
each connection count. A run whose requests did not outnumber its connections is marked
`saturated`: its percentiles cover only the requests that finished within the run. The same client then
drives a minimal ASGI hello-world app under the same server and process count: the ceiling of this
machine with this client. `mix` is the harmonic mean of the kinds' requests/s (the rate of an equal
mix). `--feeds N` also refreshes N feeds on a loopback server twice (the second pass is all conditional
GETs). Prints one JSON object; the client shares the CPU with the server, and the load average before
and after is part of it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
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

# wrk: one line per request to make ("path<TAB>cookie"), taken in turn from a random start; the
# percentiles come from wrk's own latency histogram (microseconds), printed as one JSON line.
WRK_SCRIPT = r"""
local lines = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    lines[#lines + 1] = {path, cookie}
  end
  math.randomseed(os.time())
  i = math.random(#lines)
end
request = function()
  i = i % #lines + 1
  local l = lines[i]
  if l[2] ~= "" then
    return wrk.format("GET", l[1], {["Cookie"] = l[2]})
  end
  return wrk.format("GET", l[1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""

KINDS = ("front", "story", "article", "search", "section")
URLS = 500  # distinct stories and articles readers ask for (searches: half as many)
FRESH = 20  # pages asked for one at a time before anything else: what making a page costs
MUTING_EVERY = 10  # every tenth reader mutes an outlet (the same one: they share their pages)


def _pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(xs) * 1000, p)), 1) if xs else 0.0


def _wrk() -> str | None:
    """Debian's wrk: found, or installed when this runs as root; None means the Python client."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        if subprocess.run(step, capture_output=True, check=False).returncode != 0:
            return None
    return shutil.which("wrk")


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


def _keep_worker_alive(stop: threading.Event) -> None:
    """A live worker's heartbeat, as on a deployed site (`newsdesk worker` beside `newsdesk web`):
    pages leave missing AI panels to the worker instead of computing them on the request. Beaten
    every 20 s for the whole run (a heartbeat older than 3 minutes counts as no worker)."""
    from django.db import connection
    from django.utils import timezone

    from newsdesk.runtime.models import Heartbeat

    def beat() -> None:
        try:
            while True:
                Heartbeat.objects.update_or_create(
                    name="benchmarks.load", defaults={"beat_at": timezone.now()}
                )
                if stop.wait(20):
                    return
        finally:
            connection.close()

    beat_thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    beat_thread.start()


def _readers(count: int, source_ids: list[int], entity_slugs: list[str]) -> list[str]:
    """`count` reader accounts, each following three outlets and two entities, every tenth muting the
    same outlet; returns one session cookie header per reader (real sessions, as a log-in makes)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from newsdesk.readers.models import Follow, Mute

    User = get_user_model()
    cookies = []
    rng = random.Random(3)
    for i in range(count):
        user, made = User.objects.get_or_create(username=f"loadreader{i}")
        if made:
            for pk in rng.sample(source_ids, 3):
                Follow.objects.create(user=user, kind="source", key=str(pk), label=f"Outlet {pk}")
            for slug in rng.sample(entity_slugs, min(2, len(entity_slugs))):
                Follow.objects.create(user=user, kind="entity", key=slug, label=slug)
        Mute.objects.filter(user=user).delete()  # a site reused from an earlier run: the same mutes
        if i % MUTING_EVERY == MUTING_EVERY - 1:
            Mute.objects.create(user=user, kind="source", key=str(source_ids[0]))
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return cookies


def _section_paths() -> list[str] | str:
    """Section pages, where the code has them (another issue adds them): the synthetic outlets get
    the sections' names as categories, in turn, so every section lists stories. Else "absent"."""
    from django.test import Client
    from django.urls import reverse

    from newsdesk.sources.models import Source

    try:
        from newsdesk.sources.sections import sections
    except ImportError:
        return "absent (no section pages in this code)"
    found = sections()
    for i, source in enumerate(Source.objects.filter(category="").order_by("pk")):
        source.category = found[i % len(found)].name
        source.save(update_fields=["category"])
    client = Client()
    paths = [reverse("section", args=[s.slug]) for s in found]
    found_paths = [p for p in paths if client.get(p, HTTP_HOST="127.0.0.1").status_code == 200]
    return found_paths or "absent (no section page answered)"


def _web_supports_app() -> bool:
    """Whether `newsdesk web` of the code under test can serve another app (`--app`) the same way."""
    from newsdesk.cli import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(["web", "--app", "hello_asgi:app"])
    except SystemExit:
        return False
    return True


def _wait_ready(port: int, proc: subprocess.Popen[bytes], path: str = "/") -> None:
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=60).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not answer in 180 s")


def _serve(app: str | None, port: int, env: dict[str, str], cwd: str) -> subprocess.Popen[bytes]:
    """`newsdesk web` (its server and process count), serving the site or, with `app`, another ASGI
    app the same way; code without `--app` (before it existed) gets uvicorn with one process, which is
    what its `newsdesk web` ran."""
    if app is None:
        cmd = [sys.executable, "-m", "newsdesk.cli", "web", "--host", "127.0.0.1", "--port", str(port)]
    elif _web_supports_app():
        cmd = [sys.executable, "-m", "newsdesk.cli", "web", "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--app", app]
    else:
        cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
        cmd += ["--workers", "1", "--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    # Its own process group, so stopping it stops every web process it started.
    log = open(Path(env["NEWSDESK_HOME"]) / "load-server.log", "ab")  # noqa: SIM115 (the server's)
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=True, stdout=log, stderr=log)
    _wait_ready(port, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)
    except ProcessLookupError:
        pass


def _run_wrk(wrk: str, base: str, lines: list[str], connections: int, seconds: float) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-wrk-"))
    (folder / "paths.txt").write_text("\n".join(lines) + "\n")
    (folder / "rotate.lua").write_text(WRK_SCRIPT)
    cmd = [wrk, "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "30s"]
    cmd += ["-s", str(folder / "rotate.lua"), base, "--", str(folder / "paths.txt")]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    shutil.rmtree(folder, ignore_errors=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    r = json.loads(line.removeprefix("WRKJSON "))
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {
        **({"saturated": True} if r["requests"] <= connections else {}),
        "requests_per_s": round(r["requests"] / (r["duration_us"] / 1e6), 1),
        "p50_ms": round(r["p50_us"] / 1000, 1),
        "p95_ms": round(r["p95_us"] / 1000, 1),
        "p99_ms": round(r["p99_us"] / 1000, 1),
        "requests": r["requests"],
        "errors": errors,
    }


async def _python_client(base: str, lines: list[str], connections: int, seconds: float) -> dict[str, Any]:
    """The fallback client where wrk cannot be had: `connections` asyncio users without pause."""
    import httpx

    times: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    requests = [(*x.split("\t", 1), "")[:2] for x in lines]
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def user(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                path, cookie = requests[rng.randrange(len(requests))]
                started = time.perf_counter()
                try:
                    response = await client.get(path, headers={"Cookie": cookie} if cookie else None)
                    ok = response.status_code < 400
                except httpx.HTTPError:
                    ok = False
                times.append(time.perf_counter() - started)
                errors += not ok

        started = time.monotonic()
        await asyncio.gather(*(user(i) for i in range(connections)))
        wall = time.monotonic() - started
    return {
        "requests_per_s": round(len(times) / wall, 1),
        "p50_ms": _pct(times, 50),
        "p95_ms": _pct(times, 95),
        "p99_ms": _pct(times, 99),
        "requests": len(times),
        "errors": errors,
    }


def _one_by_one(base: str, paths: list[str]) -> dict[str, float]:
    """Latency of pages asked for one at a time, each for the first time (no other load)."""
    import httpx

    times = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in paths:
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
    return {"p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95), "n": len(times)}


def _warm(base: str, paths: list[str], cookies: list[str]) -> None:
    """Every path once for each cookie, four at a time (not measured)."""
    import httpx

    async def run() -> None:
        limits = httpx.Limits(max_connections=4)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
            queue = [(p, ck) for ck in cookies for p in paths]

            async def worker() -> None:
                while queue:
                    path, cookie = queue.pop()
                    with contextlib.suppress(httpx.HTTPError):
                        await client.get(path, headers={"Cookie": cookie} if cookie else None)

            await asyncio.gather(*(worker() for _ in range(4)))

    asyncio.run(run())


def _drive(wrk: str | None, base: str, lines: list[str], connections: int, seconds: float) -> dict[str, Any]:
    if wrk:
        result = _run_wrk(wrk, base, lines, connections, seconds)
    else:
        result = asyncio.run(_python_client(base, lines, connections, seconds))
    _drain(base)
    return result


def _drain(base: str) -> None:
    """Wait until the requests the client left behind are answered (a slow server still holds them when
    the client stops), so that the next run does not start behind them: a static file comes back
    only after the request queue ahead of it."""
    import httpx

    with contextlib.suppress(httpx.HTTPError):
        httpx.get(base + "/static/newsdesk.css", timeout=120)


def _harmonic(values: list[float]) -> float:
    return round(statistics.harmonic_mean(values), 1) if values and all(values) else 0.0


def load(
    site: dict[str, Any], connections: list[int], seconds: float, cookies: list[str], wrk: str | None
) -> dict[str, Any]:
    from newsdesk.testing.services import free_port

    rng = random.Random(1)
    words = site["words"]
    paths: dict[str, list[str] | str] = {
        "front": ["/"],
        "story": [f"/story/{pk}/" for pk in site["story_ids"][:URLS]],
        "article": [f"/article/{pk}/" for pk in site["article_ids"][:URLS]],
        "search": [f"/search/?q={'+'.join(rng.sample(words, 2))}" for _ in range(URLS // 2)],
        "section": _section_paths(),
    }
    # Pages no reader asked for yet (the cost of making one), one at a time.
    fresh = {
        "story": [f"/story/{pk}/" for pk in site["story_ids"][URLS : URLS + FRESH]],
        "article": [f"/article/{pk}/" for pk in site["article_ids"][URLS : URLS + FRESH]],
        "search": [f"/search/?q={'+'.join(rng.sample(words, 3))}" for _ in range(FRESH)],
    }
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    out: dict[str, Any] = {"anonymous": {}, "logged_in": {}, "hello_world": {}, "first_view_ms": {}}
    port = free_port()
    web = _serve(None, port, env, str(REPO_ROOT))
    base = f"http://127.0.0.1:{port}"
    muting = cookies[MUTING_EVERY - 1 :: MUTING_EVERY][:1]
    try:
        for kind, fresh_paths in fresh.items():
            out["first_view_ms"][kind] = _one_by_one(base, fresh_paths)
        for kind in KINDS:
            kind_paths = paths[kind]
            if not isinstance(kind_paths, list):
                for readers in ("anonymous", "logged_in"):
                    for c in connections:
                        out[readers].setdefault(f"c{c}", {})[kind] = kind_paths
                continue
            # Each page of the kind seen once, by a reader who mutes nothing and by one who mutes
            # (readers who mute the same things share pages), just before the kind is measured:
            # the measured runs are the steady state of a site whose pages readers keep asking for.
            _warm(base, kind_paths, ["", *muting])
            for readers, cookie_list in (("anonymous", [""]), ("logged_in", cookies)):
                for c in connections:
                    if len(kind_paths) == 1:  # the front page: one URL, many readers
                        lines = [f"{kind_paths[0]}\t{ck}" for ck in cookie_list * 4]
                    else:
                        lines = [f"{p}\t{rng.choice(cookie_list)}" for p in kind_paths]
                    lines = [x.rstrip("\t") for x in lines]
                    out[readers].setdefault(f"c{c}", {})[kind] = _drive(wrk, base, lines, c, seconds)
        for readers in ("anonymous", "logged_in"):
            for row in out[readers].values():
                rates = [v["requests_per_s"] for v in row.values() if isinstance(v, dict)]
                row["mix_requests_per_s"] = _harmonic(rates)
    finally:
        _stop(web)
    hello_dir = tempfile.mkdtemp(prefix="newsdesk-hello-")
    Path(hello_dir, "hello_asgi.py").write_text(HELLO)
    port = free_port()
    hello = _serve(
        "hello_asgi:app", port, {**env, "PYTHONPATH": f"{hello_dir}:{env['PYTHONPATH']}"}, hello_dir
    )
    try:
        _drive(wrk, f"http://127.0.0.1:{port}", ["/"], 8, 1)
        for c in connections:
            out["hello_world"][f"c{c}"] = _drive(wrk, f"http://127.0.0.1:{port}", ["/"], c, seconds)
    finally:
        _stop(hello)
    ratios: dict[str, Any] = {}
    for readers in ("anonymous", "logged_in"):
        for c in connections:
            hello_rps = max(out["hello_world"][f"c{c}"]["requests_per_s"], 1)
            row = out[readers][f"c{c}"]
            ratios[f"{readers}_c{c}"] = {
                **{
                    k: round(v["requests_per_s"] / hello_rps, 3)
                    for k, v in row.items()
                    if isinstance(v, dict)
                },
                "mix": round(row["mix_requests_per_s"] / hello_rps, 3),
            }
    out["site_over_hello_world"] = ratios
    c0 = f"c{connections[0]}"
    anon, logged = out["anonymous"][c0], out["logged_in"][c0]
    out["goals"] = {
        f"anonymous_article_p95_ms_at_{c0}": [anon["article"]["p95_ms"], "<= 50"],
        f"anonymous_mix_over_hello_at_{c0}": [ratios[f"anonymous_{c0}"]["mix"], ">= 0.5"],
        f"logged_in_worst_p95_ms_at_{c0}": [
            max(v["p95_ms"] for v in logged.values() if isinstance(v, dict)),
            "<= 100",
        ],
    }
    return out


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


def _server_description(env: dict[str, str]) -> str:
    """What `newsdesk web` of the code under test runs (the code says, where it can)."""
    try:
        from newsdesk.webserver import describe
    except ImportError:
        return "uvicorn, 1 process"
    return describe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=8, help="length of each measured run")
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--readers", type=int, default=50, help="logged-in reader accounts")
    parser.add_argument("--feeds", type=int, default=0, help="feeds to refresh twice (0: none)")
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
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.synthetic import prepare, query_words, sample_ids
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.stories.models import Story

    with contextlib.redirect_stdout(sys.stderr):  # the build's progress; stdout is the JSON
        site = prepare(home, args.articles)
    call_command("migrate", verbosity=0)  # a site built by older code gets this code's tables
    site.update(article_ids=sample_ids(Article, 2000), story_ids=sample_ids(Story, 2000), words=query_words())
    # Every page the readers visit has its AI panels stored, as the worker would have made them.
    _precompute_panels(site["article_ids"])
    _precompute_story_panels(site["story_ids"])
    slugs = sorted(
        {s for names in Article.objects.values_list("lead_entities", flat=True)[:500] for s in names}
    )
    cookies = _readers(args.readers, list(Source.objects.values_list("pk", flat=True)[:40]), slugs[:50])
    wrk = _wrk()
    stop = threading.Event()
    _keep_worker_alive(stop)
    out: dict[str, Any] = {
        "articles": args.articles,
        "site_reused": site["reused"],
        "insert_s": site["insert_s"],
        "client": "wrk (Debian), 1 thread" if wrk else "python httpx asyncio (wrk not available)",
        "server": _server_description(dict(os.environ)),
        "seconds_per_run": args.seconds,
        "readers": {
            "logged_in_accounts": args.readers,
            "muting_one_outlet": args.readers // MUTING_EVERY,
        },
        "urls_per_kind": {"story": URLS, "article": URLS, "search": URLS // 2},
        "embedder": "hashing (search's query vector; MiniLM is measured by benchmarks.search)",
        "cpus": os.cpu_count(),
    }
    try:
        out.update(load(site, args.connections, args.seconds, cookies, wrk))
    finally:
        stop.set()
    if args.feeds:
        out["feed_refresh"] = feeds(args.feeds)
    out["loadavg_before"] = loadavg_before
    out["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
