"""Related-article lookup at scale: VectorIndex (faiss HNSW) vs exact search on synthetic vectors.

    python -m benchmarks.search_index [--sizes 100000,1000000] [--queries 500] [--dim 384]

For each size and each distribution (uniform random on the sphere; clustered: points around 1,000 random
"story" centres, closer to real article vectors) prints build time, k=10 query latency p50/p95 and
recall@10 against exact inner-product search. One JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import faiss
import numpy as np

from newsdesk.pipeline.vectorindex import VectorIndex


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def make_data(kind: str, n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "random":
        return unit(rng.standard_normal((n, dim), dtype=np.float32))
    centres = unit(rng.standard_normal((1000, dim), dtype=np.float32))
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):  # chunks keep the temporary arrays small
        stop = min(n, start + 100_000)
        which = rng.integers(0, len(centres), stop - start)
        out[start:stop] = unit(
            centres[which] + 0.08 * rng.standard_normal((stop - start, dim), dtype=np.float32)
        )
    return out


def run(
    kind: str, n: int, dim: int, n_queries: int, k: int, seed: int, ef_values: list[int]
) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    data = make_data(kind, n, dim, rng)
    # Queries: perturbed stored vectors, like "articles related to this one".
    picks = rng.integers(0, n, n_queries)
    queries = unit(data[picks] + 0.05 * rng.standard_normal((n_queries, dim), dtype=np.float32))
    t0 = time.perf_counter()
    index = VectorIndex(dim)
    for start in range(0, n, 50_000):
        stop = min(n, start + 50_000)
        index.add(np.arange(start, stop, dtype=np.int64), data[start:stop])
    build_s = time.perf_counter() - t0
    per_ef: dict[int, tuple[np.ndarray, list[list[int]]]] = {}
    for ef in ef_values:
        index.ef_search = ef
        lat = []
        found = []
        for q in queries:
            t = time.perf_counter()
            hits = index.search(q, k)
            lat.append(time.perf_counter() - t)
            found.append([i for i, _ in hits])
        per_ef[ef] = (np.array(lat) * 1000, found)
    flat = faiss.IndexFlatIP(dim)
    flat.add(data)
    t = time.perf_counter()
    _, exact = flat.search(queries, k)
    exact_ms = (time.perf_counter() - t) / n_queries * 1000
    # Exact per-query latency one at a time, as the app would issue it.
    t = time.perf_counter()
    for q in queries[:50]:
        flat.search(q[None, :], k)
    exact_single_ms = (time.perf_counter() - t) / 50 * 1000
    sweep = []
    for ef, (lat_ms, found) in per_ef.items():
        recall = float(
            np.mean([len(set(f) & set(e.tolist())) / k for f, e in zip(found, exact, strict=True)])
        )
        sweep.append(
            {
                "ef_search": ef,
                "query_ms_p50": round(float(np.percentile(lat_ms, 50)), 3),
                "query_ms_p95": round(float(np.percentile(lat_ms, 95)), 3),
                f"recall_at_{k}": round(recall, 4),
            }
        )
    return {
        "n": n,
        "build_s": round(build_s, 2),
        **sweep[0],
        "ef_search_sweep": sweep[1:],
        "exact_query_ms_single": round(exact_single_ms, 3),
        "exact_query_ms_batched": round(exact_ms, 3),
        "index_is_exact": index.is_exact,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--kinds", default="random,clustered")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ef-search", default="64,128,256", help="first is the default; others a sweep")
    args = parser.parse_args(argv)
    efs = [int(x) for x in args.ef_search.split(",")]
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        for kind in args.kinds.split(","):
            results.append({"data": kind, **run(kind, n, args.dim, args.queries, args.k, args.seed, efs)})
    out = {
        "benchmark": "search_index",
        "dim": args.dim,
        "k": args.k,
        "faiss": faiss.__version__,
        "faiss_threads": faiss.omp_get_max_threads(),
        "hnsw": {"M": 32, "efConstruction": 80, "efSearch_values": efs},
        "results": results,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
