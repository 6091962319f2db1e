"""Embedding throughput and agreement: articles/s per runtime, cosine agreement with torch fp32.

    python -m benchmarks.embeddings [--n 200] [--variants fp32,onnx-int8] [--cache-dir DIR]

Variants: torch `fp32`, `bf16` (optionally `@max_seq_length`, e.g. `fp32@128`), ONNX Runtime `onnx-int8`
and `onnx-fp32` (exported on first use into --cache-dir, default $NEWSDESK_HOME/models). Texts are
title + lead (what newsdesk embeds) of real BBC articles from ../shared/data. Prints one JSON object.
On a shared CPU wall-clock rates move by a factor of two with the load average (printed);
`articles_per_cpu_s` (articles per second of this process's CPU time) moves much less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.pipeline.embeddings import (
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    article_embedding_text,
    default_model_cache_dir,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"


def load_texts(path: Path, n: int) -> list[str]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    step = max(1, len(rows) // n)  # spread over all topics, not the first one
    return [article_embedding_text(r["title"], r["text"]) for r in rows[::step][:n]]


def timed(embedder: Embedder, texts: list[str], batch_size: int, repeat: int) -> tuple[np.ndarray, dict]:
    """Vectors and rates of `repeat` runs (a shared CPU makes single runs noisy)."""
    embedder.embed(texts[:8], batch_size=batch_size)  # warm-up
    rates: list[float] = []
    cpu_rates: list[float] = []
    start = time.perf_counter()
    # Stop repeating after a minute: bf16 without hardware support needs ~100 s for one run.
    while len(rates) < repeat and (not rates or time.perf_counter() - start < 60):
        t0, c0 = time.perf_counter(), time.process_time()
        vecs = embedder.embed(texts, batch_size=batch_size)
        rates.append(len(texts) / (time.perf_counter() - t0))
        cpu_rates.append(len(texts) / (time.process_time() - c0))
    return vecs, {
        "articles_per_s_best": round(max(rates), 1),
        "articles_per_s_median": round(float(np.median(rates)), 1),
        "articles_per_cpu_s_median": round(float(np.median(cpu_rates)), 1),
        "runs": len(rates),
    }


def make_embedder(variant: str, cache_dir: Path) -> Embedder:
    name, _, seq = variant.partition("@")
    max_seq_length = int(seq or 256)
    if name.startswith("onnx-"):
        quantize = {"onnx-int8": True, "onnx-fp32": False}[name]
        return OnnxMiniLMEmbedder(cache_dir, quantize=quantize, max_seq_length=max_seq_length)
    return MiniLMEmbedder(name, max_seq_length=max_seq_length)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per variant (best and median shown)"
    )
    parser.add_argument("--variants", default="fp32,onnx-int8", help="variant[@max_seq_length],…")
    parser.add_argument("--cache-dir", type=Path, default=None, help="ONNX model cache directory")
    args = parser.parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    texts = load_texts(args.data, args.n)
    out: dict[str, object] = {
        "benchmark": "embeddings",
        "n_texts": len(texts),
        "mean_words": round(float(np.mean([len(t.split()) for t in texts])), 1),
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu": platform.processor() or platform.machine(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cuda": torch.cuda.is_available(),
    }
    cache_dir = args.cache_dir or default_model_cache_dir()
    results: dict[str, dict[str, float]] = {}
    reference: np.ndarray | None = None
    for variant in args.variants.split(","):
        t0 = time.perf_counter()
        emb = make_embedder(variant, cache_dir)
        setup_s = time.perf_counter() - t0  # includes the ONNX export when the cache was empty
        vecs, row = timed(emb, texts, args.batch_size, args.repeat)
        row["setup_s"] = round(setup_s, 1)
        if reference is None and variant == "fp32":
            reference = vecs
        if reference is not None and variant != "fp32":
            # Agreement with fp32 at 256 tokens: for @128 this measures the shorter input, not precision.
            cos = np.sum(reference * vecs, axis=1)
            row |= {
                "cosine_vs_fp32_min": round(float(cos.min()), 5),
                "cosine_vs_fp32_mean": round(float(cos.mean()), 5),
            }
        results[variant] = row
        del emb
    hashing = HashingEmbedder()
    _, row = timed(hashing, texts, args.batch_size, args.repeat)
    results["hashing-384 (model-free fallback)"] = row
    out["results"] = results
    out["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
