"""Search and related-articles latency through the real code path, on a synthetic site.

    python -m benchmarks.search [--articles 100000] [--queries 200] [--home DIR [--from-snapshot]]

Builds (or reuses, with `--home`) the synthetic site of `benchmarks.synthetic` with N articles, builds
the vector index from the database (and times it, and a process start from the snapshot that build
saves), then times `articles.search.search` (FTS5 + ANN + RRF + filters + snippets, queries embedded
by MiniLM) and `articles.related.related_for` (ANN + MMR with reasons), and each step of a search
alone. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT))


def _pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(xs) * 1000, p)), 2)


def run(
    n: int, queries: int, home: Path, embedder: str, from_snapshot: bool, seed: int = 7
) -> dict[str, Any]:
    os.environ.update(
        NEWSDESK_HOME=str(home),
        NEWSDESK_EMBEDDER=embedder,
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    import django

    django.setup()
    from django.db import connection

    from benchmarks.synthetic import prepare, query_words, sample_ids
    from newsdesk.articles import vectors
    from newsdesk.articles.models import Article
    from newsdesk.articles.related import related_for
    from newsdesk.articles.search import search

    site = prepare(home, n)
    index_times: dict[str, float] = {}
    if not from_snapshot:
        vectors.discard_snapshot()
        t = time.perf_counter()
        vectors.reset()
        vectors.article_index()  # from the database; saved as this machine's snapshot when large
        index_times["vector_index_build_s"] = round(time.perf_counter() - t, 1)
    vectors.forget_index()  # a process starting on this machine
    t = time.perf_counter()
    vectors.article_index()
    index_times["vector_index_start_s"] = round(time.perf_counter() - t, 1)
    rng = random.Random(seed)
    words = query_words()
    ids = sample_ids(Article, queries)
    articles = [Article.objects.select_related("source").get(pk=pk) for pk in ids[:queries]]
    # Warm-up, as a live process is: the first calls pay for imports and cold database pages.
    for q in range(10):
        search(" ".join(rng.sample(words, 2)), bodies=False)
        related_for(articles[q % len(articles)])
    search_times, related_times = [], []
    # CPU seconds of this process per call: on a shared machine wall time mostly measures the queue
    # for a core (the load average is printed beside); CPU time is what the call itself costs.
    search_cpu, related_cpu = [], []
    asked = [" ".join(rng.sample(words, 2)) for _ in range(queries)]
    for q, query in enumerate(asked):
        t, c = time.perf_counter(), time.process_time()
        search(query, bodies=False)  # as the search page asks
        search_times.append(time.perf_counter() - t)
        search_cpu.append(time.process_time() - c)
        article = articles[q % len(articles)]
        t, c = time.perf_counter(), time.process_time()
        related_for(article)
        related_times.append(time.perf_counter() - t)
        related_cpu.append(time.process_time() - c)
    return {
        "articles": n,
        "database": connection.vendor,
        "query_embedder": embedder,
        "site_reused": site["reused"],
        "insert_s": site["insert_s"],
        **index_times,
        "search_ms": {"p50": _pct(search_times, 50), "p95": _pct(search_times, 95)},
        "related_ms": {"p50": _pct(related_times, 50), "p95": _pct(related_times, 95)},
        "search_cpu_ms": {"p50": _pct(search_cpu, 50), "p95": _pct(search_cpu, 95)},
        "related_cpu_ms": {"p50": _pct(related_cpu, 50), "p95": _pct(related_cpu, 95)},
        "queries": queries,
        "search_parts_ms": _search_parts(asked),
    }


def _search_parts(queries: list[str]) -> dict[str, dict[str, float]]:
    """Where a search's time goes: each step timed alone, on the same queries, as `search` calls it
    (what is left of the whole is fusion and loading the shown articles)."""
    from newsdesk.articles import fulltext
    from newsdesk.articles.search import POOL, lexical_matches
    from newsdesk.articles.vectors import article_index
    from newsdesk.runtime.embedder import get_embedder

    times: dict[str, list[float]] = {"full_text": [], "query_embedding": [], "ann": [], "snippets": []}
    for query in queries:
        t0 = time.perf_counter()
        lexical, match_all = lexical_matches(query)
        t1 = time.perf_counter()
        vector = get_embedder().embed([query])[0]
        t2 = time.perf_counter()
        article_index().search(vector, POOL)
        t3 = time.perf_counter()
        fulltext.snippets_for(query, [pk for pk, _, _ in lexical[:20]], match_all=match_all)
        t4 = time.perf_counter()
        for part, took in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            times[part].append(took)
    return {part: {"p50": _pct(xs, 50), "p95": _pct(xs, 95)} for part, xs in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--embedder",
        default="minilm",
        help="embeds the queries, as the site does (stored vectors are synthetic either way); "
        "'hashing' leaves the model's cost out",
    )
    parser.add_argument(
        "--from-snapshot",
        action="store_true",
        help="start from the vector index a previous run saved in --home (skips the build, minutes at 1M)",
    )
    parser.add_argument(
        "--home", type=Path, default=None, help="NEWSDESK_HOME to build in, or reuse when already built"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="newsdesk-search-"))
    home.mkdir(parents=True, exist_ok=True)
    result = run(args.articles, args.queries, home, args.embedder, args.from_snapshot)
    print(json.dumps({"benchmark": "search", "load_average_1m": round(os.getloadavg()[0], 2), **result}))


if __name__ == "__main__":
    main()
