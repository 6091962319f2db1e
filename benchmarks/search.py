"""Search and related-articles latency through the real code path, on a synthetic site.

    python -m benchmarks.search [--sizes 100000] [--queries 200]

Builds a fresh SQLite site with N synthetic articles (sentences recombined from the BBC corpus, so
full-text terms have a natural distribution; clustered random unit vectors, as the latency part
needs no real embeddings), then times `articles.search.search` (FTS5 + ANN + RRF + filters) and
`articles.related.related_for` (ANN + MMR with reasons). Prints one JSON object.
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
BBC = REPO_ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"
sys.path.insert(0, str(REPO_ROOT / "src"))


def _pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(xs) * 1000, p)), 2)


def run(n: int, queries: int, seed: int = 7, home: Path | None = None) -> dict[str, Any]:
    os.environ.update(
        NEWSDESK_HOME=str(home or tempfile.mkdtemp(prefix="newsdesk-search-")),
        NEWSDESK_EMBEDDER="hashing",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from newsdesk.articles import vectors
    from newsdesk.articles.models import Article
    from newsdesk.articles.related import lead_entities, related_for
    from newsdesk.articles.search import search
    from newsdesk.pipeline.embeddings import to_blob
    from newsdesk.sources.models import Source

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    rows = [json.loads(line) for line in BBC.read_text().splitlines() if line.strip()]
    sentences = [s.strip() + "." for r in rows for s in r["text"].split(".") if len(s.split()) > 5]
    titles = [r["title"] for r in rows]
    sources = [
        Source.objects.get_or_create(
            canonical_url=f"https://s{i}.example/feed",
            defaults={"url": f"https://s{i}.example/feed", "title": f"Outlet {i}"},
        )[0]
        for i in range(40)
    ]
    centres = np_rng.normal(size=(max(1, n // 20), 384)).astype(np.float32)
    now = timezone.now()
    started = time.perf_counter()
    batch = 5000
    built = Article.objects.count()
    if built not in (0, n):
        raise SystemExit(f"{os.environ['NEWSDESK_HOME']} holds {built} articles, not {n}")
    for start in range(0 if not built else n, n, batch):
        count = min(batch, n - start)
        picks = np_rng.integers(0, len(centres), count)
        vecs = centres[picks] + 0.35 * np_rng.normal(size=(count, 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        objs = []
        for j in range(count):
            i = start + j
            title, text = rng.choice(titles), " ".join(rng.sample(sentences, 6))
            objs.append(
                Article(
                    source=sources[i % len(sources)],
                    guid=f"g{i}",
                    canonical_url=f"https://x.example/{i}",
                    title=title,
                    text=text,
                    lead_entities=lead_entities(title, text),  # as the embed step stores them
                    stage="clustered",
                    published_at=now - timezone.timedelta(minutes=i % 20000),
                    embedding=to_blob(vecs[j]),
                    # A steady stream (one a minute per slot), not one burst: a process tops up its
                    # index from the rows embedded in the last minutes, as it would in production.
                    embedded_at=now - timezone.timedelta(minutes=10 + i % 20000),
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(objs)
    # A site built before names were stored: fill them in as the embed step would have.
    missing = Article.objects.filter(lead_entities__isnull=True).only("pk", "title", "text")
    while fill := list(missing[:5000]):
        for a in fill:
            a.lead_entities = lead_entities(a.title, a.text)
        with transaction.atomic():
            Article.objects.bulk_update(fill, ["lead_entities"])
    insert_s = time.perf_counter() - started
    t = time.perf_counter()
    vectors.reset()
    vectors.article_index()
    index_s = time.perf_counter() - t
    words = [w for w in " ".join(titles).lower().split() if len(w) > 4 and w.isalpha()]
    search_times, related_times = [], []
    # CPU seconds of this process per call: on a shared machine wall time mostly measures the queue
    # for a core (the load average is printed beside); CPU time is what the call itself costs.
    search_cpu, related_cpu = [], []
    ids = list(Article.objects.values_list("pk", flat=True)[: n : max(1, n // queries)])
    for q in range(queries):
        query = " ".join(rng.sample(words, 2))
        t, c = time.perf_counter(), time.process_time()
        search(query)
        search_times.append(time.perf_counter() - t)
        search_cpu.append(time.process_time() - c)
        article = Article.objects.select_related("source").get(pk=ids[q % len(ids)])
        t, c = time.perf_counter(), time.process_time()
        related_for(article)
        related_times.append(time.perf_counter() - t)
        related_cpu.append(time.process_time() - c)
    return {
        "articles": n,
        "database": connection.vendor,
        "insert_s": round(insert_s, 1),
        "vector_index_build_s": round(index_s, 1),
        "search_ms": {"p50": _pct(search_times, 50), "p95": _pct(search_times, 95)},
        "related_ms": {"p50": _pct(related_times, 50), "p95": _pct(related_times, 95)},
        "search_cpu_ms": {"p50": _pct(search_cpu, 50), "p95": _pct(search_cpu, 95)},
        "related_cpu_ms": {"p50": _pct(related_cpu, 50), "p95": _pct(related_cpu, 95)},
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--home", type=Path, default=None, help="NEWSDESK_HOME to build in, or reuse when already built"
    )
    args = parser.parse_args()
    result = run(args.articles, args.queries, home=args.home)
    print(json.dumps({"benchmark": "search", "load_average_1m": round(os.getloadavg()[0], 2), **result}))


if __name__ == "__main__":
    main()
