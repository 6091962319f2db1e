"""Embedding throughput and agreement: articles/s per runtime, cosine agreement with torch fp32.

    python -m benchmarks.embeddings [--n 200] [--variants default,bf16@128/t1,…] [--cache-dir DIR]

A variant is `RUNTIME[@max_seq_length][/tTHREADS][/rREPLICAS]` (replicas: model copies that embed shards
of the batch side by side, torch only). Runtimes: torch `fp32`, `bf16`, `qint8` (torch dynamic
int8 per-channel quantisation of every Linear layer), ONNX Runtime `onnx-int8` and `onnx-fp32` (exported on
first use into --cache-dir, default $NEWSDESK_HOME/models, and needing onnxruntime + onnx), and `default`:
what the product runs (`make_embedder("minilm")`). max_seq_length defaults to 256, threads to torch's
own setting. Each variant's vectors are compared with torch fp32 *at the same max_seq_length* (the same
text seen), computed once per length. Texts are title + lead (what newsdesk embeds) of real BBC articles
from ../shared/data. Prints one JSON object.

On a shared CPU wall-clock rates move with the load average (printed per variant); `articles_per_cpu_s`
(articles per second of this process's CPU time) moves much less and, for one thread, is the rate the
variant reaches on one idle core (with replicas, the rate per core when every core embeds).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.pipeline.embeddings import (
    DEFAULT_MAX_SEQ_LENGTH,
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    article_embedding_text,
    make_embedder,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"
DEFAULT_VARIANTS = (
    "default,fp32@256/t1,bf16@256/t1,bf16@256/t2,bf16@256/t1/r2,bf16@128/t1,bf16@128/t1/r2,qint8@128/t1,"
    "fp32@128/t1"
)


def load_texts(path: Path, n: int) -> list[str]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    step = max(1, len(rows) // n)  # spread over all topics, not the first one
    return [article_embedding_text(r["title"], r["text"]) for r in rows[::step][:n]]


def timed(embedder: Embedder, texts: list[str], batch_size: int, repeat: int) -> tuple[np.ndarray, dict]:
    """Vectors and rates of `repeat` runs (a shared CPU makes single runs noisy)."""
    embedder.embed(texts[:8], batch_size=batch_size)  # warm-up
    rates: list[float] = []
    cpu_rates: list[float] = []
    load = os.getloadavg()[0]
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
        "load_average_1m": round((load + os.getloadavg()[0]) / 2, 2),
    }


class _QuantisedTorch(MiniLMEmbedder):
    """torch dynamic int8 (per-channel weights, per-batch activation scale) of every Linear layer."""

    def __init__(self, *, max_seq_length: int, threads: int | None) -> None:
        super().__init__("fp32", "cpu", max_seq_length=max_seq_length, threads=threads)
        import torch
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        self._model = quantize_dynamic(
            copy.deepcopy(self._model), {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8
        )
        self._idle.get_nowait()  # the pool must hand out the quantised model, not the fp32 one
        self._idle.put(self._model)
        self.name = f"all-MiniLM-L6-v2/torch-qint8/{max_seq_length}"


def parse_variant(variant: str) -> tuple[str, int, int | None, int]:
    """`RUNTIME[@max_seq_length][/tTHREADS][/rREPLICAS]` → (runtime, length, threads, replicas)."""
    head, *options = variant.split("/")
    name, _, seq = head.partition("@")
    opts = {o[0]: int(o[1:]) for o in options if o[:1] in ("t", "r") and o[1:].isdigit()}
    return name, int(seq or DEFAULT_MAX_SEQ_LENGTH), opts.get("t"), opts.get("r", 1)


def build(variant: str, cache_dir: Path) -> Embedder:
    name, seq, threads, replicas = parse_variant(variant)
    if name == "default":
        return make_embedder("minilm", cache_dir)
    if name.startswith("onnx-"):
        quantize = {"onnx-int8": True, "onnx-fp32": False}[name]
        return OnnxMiniLMEmbedder(cache_dir, quantize=quantize, max_seq_length=seq, threads=threads)
    if name == "qint8":
        return _QuantisedTorch(max_seq_length=seq, threads=threads)
    return MiniLMEmbedder(name, max_seq_length=seq, threads=threads, replicas=replicas)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per variant (best and median shown)"
    )
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help="RUNTIME[@max_seq_length][/tN],…")
    parser.add_argument("--cache-dir", type=Path, default=None, help="ONNX model cache directory")
    args = parser.parse_args(argv)
    import torch

    texts = load_texts(args.data, args.n)
    out: dict[str, object] = {
        "benchmark": "embeddings",
        "n_texts": len(texts),
        "mean_words": round(float(np.mean([len(t.split()) for t in texts])), 1),
        "torch_threads_default": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu": platform.processor() or platform.machine(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cuda": torch.cuda.is_available(),
    }
    cache_dir = args.cache_dir or Path(os.environ.get("NEWSDESK_HOME", "var")).resolve() / "models"
    references: dict[int, np.ndarray] = {}

    def reference(seq: int) -> np.ndarray:
        """torch fp32 on the same texts at the same length: the vectors every variant is held to."""
        if seq not in references:
            references[seq] = MiniLMEmbedder("fp32", max_seq_length=seq).embed(texts, args.batch_size)
        return references[seq]

    results: dict[str, dict[str, object]] = {}
    for variant in args.variants.split(","):
        t0 = time.perf_counter()
        try:
            emb = build(variant, cache_dir)
        except Exception as exc:  # a missing optional runtime: report it beside the others
            results[variant] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        setup_s = time.perf_counter() - t0  # includes the ONNX export when the cache was empty
        vecs, row = timed(emb, texts, args.batch_size, args.repeat)
        row["embedder"] = emb.name
        row["setup_s"] = round(setup_s, 1)
        seq = getattr(emb, "max_seq_length", None) or parse_variant(variant)[1]
        cos = np.sum(reference(seq) * vecs, axis=1)
        row |= {
            f"cosine_vs_fp32@{seq}_min": round(float(cos.min()), 5),
            f"cosine_vs_fp32@{seq}_mean": round(float(cos.mean()), 5),
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
