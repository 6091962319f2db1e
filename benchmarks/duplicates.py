"""Duplicate detection: precision / recall and speed, printed as one JSON object.

    python -m benchmarks.duplicates [--data FILE] [--seed N] [--copies-per-variant N]

``FILE`` is a JSON-lines corpus with ``id``, ``title`` and ``text`` (default: the BBC News set in
``../shared/data/bbc-news/bbc_news.jsonl`` beside the repository).

* ``exact``: texts identical up to white space.  The truth is an independent, naive grouping by
  ``text.split()``; the prediction is grouping by :func:`content_fingerprint`.  Pairwise
  precision / recall.
* ``near``: synthetic syndicated copies made from the corpus (seeded), mixed with the unmodified
  corpus as negatives.  The corpus is first reduced to one article per existing duplicate group
  so that its own copies do not count as false positives.  Each variant changes an original one
  way (a different headline on top, a trimmed ending, an agency dateline, a boilerplate footer,
  light word edits), ``combined`` applies dateline + trim + footer + edits at once.
  ``index``: every original is indexed, every copy and every original is queried — a copy should
  find exactly its original, an original nothing but its own copies.  ``grouping``: pairwise
  precision / recall of :func:`group_near_duplicates` over originals + copies.
* ``speed``: signatures per second over the corpus, and mean query latency on the full index.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path

from newsdesk.pipeline.duplicates import (
    MIN_WORDS,
    NearDuplicateIndex,
    content_fingerprint,
    group_near_duplicates,
    jaccard,
    shingles,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl"
DEFAULT_THRESHOLD = 0.8
EDIT_RATE = 0.01  # "light" edits: one word in a hundred

_CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "BRUSSELS", "PARIS", "TOKYO", "SYDNEY", "BERLIN"]
_AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "PA"]
_FOOTERS = [
    "Reporting by {a}; Editing by {b}. Our Standards: The Thomson Reuters Trust Principles.",
    "Copyright 2005 The Associated Press. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "Sign up for our daily newsletter to get the top stories delivered to your inbox every morning. "
    "Follow us on Twitter and Facebook for breaking news.",
    "Additional reporting by {a} and {b}. Contact the newsroom at newsdesk@example.com.",
]
_NAMES = ["Jane Smith", "Tom Brown", "Ana Lopez", "Raj Patel", "Li Wei", "Sam Okafor"]
_HEADLINE_WORDS = ["Breaking", "Update", "Exclusive", "Analysis", "Latest", "Report"]
_SYNONYMS = {
    "said": "added",
    "says": "states",
    "told": "informed",
    "big": "large",
    "new": "fresh",
    "but": "however",
    "also": "additionally",
    "more": "further",
    "firm": "company",
    "company": "firm",
    "government": "administration",
    "people": "individuals",
    "expected": "anticipated",
    "because": "as",
    "about": "around",
    "show": "reveal",
}

Pairs = set[tuple[str, str]]


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pairs_of(groups: Iterable[Iterable[str]]) -> Pairs:
    return {(a, b) for group in groups for a, b in combinations(sorted(group), 2)}


def precision_recall(predicted: Pairs, truth: Pairs) -> dict[str, float | int]:
    tp = len(predicted & truth)
    return {
        "precision": round(tp / len(predicted), 4) if predicted else 1.0,
        "recall": round(tp / len(truth), 4) if truth else 1.0,
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "correct_pairs": tp,
    }


def group_by(rows: list[dict[str, str]], key: Callable[[str], object]) -> list[list[str]]:
    groups: dict[object, list[str]] = defaultdict(list)
    for row in rows:
        k = key(row["text"])
        if k:
            groups[k].append(row["id"])
    return [ids for ids in groups.values() if len(ids) > 1]


def exact_benchmark(rows: list[dict[str, str]]) -> dict[str, object]:
    truth = group_by(rows, lambda text: tuple(text.split()))
    predicted = group_by(rows, content_fingerprint)
    titles = {row["id"]: row["title"] for row in rows}
    return {
        **precision_recall(pairs_of(predicted), pairs_of(truth)),
        "groups": len(predicted),
        "groups_with_different_titles": sum(1 for g in predicted if len({titles[i] for i in g}) > 1),
    }


# --- synthetic syndicated copies ------------------------------------------------------------------


def _headline(rng: random.Random, text: str, title: str) -> str:
    return f"{rng.choice(_HEADLINE_WORDS)}: {title} as {rng.choice(_NAMES)} reports\n\n{text}"


def _trim(rng: random.Random, text: str, title: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    words = len(text.split())
    if len(paragraphs) > 2 and len(paragraphs[-1].split()) <= 0.15 * words:
        return "\n\n".join(paragraphs[:-1])
    kept = text.split()[: int(words * 0.85)]
    return " ".join(kept)


def _dateline(rng: random.Random, text: str, title: str) -> str:
    return f"{rng.choice(_CITIES)} ({rng.choice(_AGENCIES)}) - {text.lstrip()}"


def _footer(rng: random.Random, text: str, title: str) -> str:
    a, b = rng.sample(_NAMES, 2)
    return f"{text.rstrip()}\n\n{rng.choice(_FOOTERS).format(a=a, b=b)}"


def _edits(rng: random.Random, text: str, title: str) -> str:
    words = text.split(" ")
    n = max(2, round(len(words) * EDIT_RATE))
    for i in rng.sample(range(len(words)), min(n, len(words))):
        bare = words[i].lower()
        # a synonym where one exists, otherwise the word is dropped (a copy editor's cut)
        words[i] = _SYNONYMS.get(bare, "")
    return " ".join(w for w in words if w)


def _combined(rng: random.Random, text: str, title: str) -> str:
    return _footer(rng, _dateline(rng, _trim(rng, _edits(rng, text, title), title), title), title)


VARIANTS: dict[str, Callable[[random.Random, str, str], str]] = {
    "headline": _headline,
    "trimmed_end": _trim,
    "dateline": _dateline,
    "footer": _footer,
    "word_edits": _edits,
    "combined": _combined,
}


def originals_of(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One article per existing exact/near duplicate group, so the negatives are clean."""
    drop = {key for group in group_near_duplicates((r["id"], r["text"]) for r in rows) for key in group[1:]}
    return [row for row in rows if row["id"] not in drop]


def near_benchmark(
    rows: list[dict[str, str]], seed: int, per_variant: int, threshold: float
) -> dict[str, object]:
    rng = random.Random(seed)
    originals = [row for row in originals_of(rows) if len(row["text"].split()) >= MIN_WORDS]
    by_id = {row["id"]: row for row in originals}
    copies: list[tuple[str, str, str, str]] = []  # (copy id, original id, variant, text)
    for variant, make in VARIANTS.items():
        for row in rng.sample(originals, min(per_variant, len(originals))):
            copy_id = f"{row['id']}#{variant}"
            copies.append((copy_id, row["id"], variant, make(rng, row["text"], row["title"])))

    index = NearDuplicateIndex(threshold=threshold)
    for row in originals:
        index.add(row["id"], index.signature(row["text"]))

    copies_of: dict[str, set[str]] = defaultdict(set)
    for copy_id, original_id, _, _ in copies:
        copies_of[original_id].add(copy_id)

    per_variant_stats: dict[str, dict[str, object]] = {}
    tp = fp = fn = 0
    for variant in VARIANTS:
        found = total = 0
        sims: list[float] = []
        for _, original_id, v, text in copies:
            if v != variant:
                continue
            total += 1
            hits = index.query(index.signature(text))
            found += original_id in hits
            fp += sum(1 for h in hits if h != original_id)
            sims.append(jaccard(shingles(text), shingles(by_id[original_id]["text"])))
        tp += found
        fn += total - found
        per_variant_stats[variant] = {
            "copies": total,
            "recall": round(found / total, 4) if total else None,
            "mean_true_jaccard": round(statistics.fmean(sims), 3) if sims else None,
            "share_true_jaccard_at_least_threshold": round(sum(s >= threshold for s in sims) / len(sims), 4)
            if sims
            else None,
        }
    # unmodified originals as negatives: any hit but themselves is a false positive
    negatives_with_hits = 0
    for row in originals:
        hits = [h for h in index.query(index.signature(row["text"])) if h != row["id"]]
        fp += len(hits)
        negatives_with_hits += bool(hits)

    truth_groups = [[original_id, *ids] for original_id, ids in copies_of.items()]
    items = [(row["id"], row["text"]) for row in originals] + [(c[0], c[3]) for c in copies]
    predicted_groups = group_near_duplicates(items, threshold=threshold)
    grouping: dict[str, object] = {**precision_recall(pairs_of(predicted_groups), pairs_of(truth_groups))}
    group_of = {key: n for n, group in enumerate(predicted_groups) for key in group}
    for variant in VARIANTS:
        found = [
            group_of.get(copy_id, -1) == group_of.get(original_id, -2)
            for copy_id, original_id, v, _ in copies
            if v == variant
        ]
        grouping[f"recall_{variant}"] = round(sum(found) / len(found), 4) if found else 1.0
    return {
        "threshold": threshold,
        "originals": len(originals),
        "copies": len(copies),
        "index": {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "false_positive_hits": fp,
            "originals_with_false_hits": negatives_with_hits,
            "variants": per_variant_stats,
        },
        "grouping": grouping,
    }


class _Clock:
    """Wall and CPU time of a block: on a shared 2-core machine the CPU figure is the stable one."""

    def __enter__(self) -> _Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def speed_benchmark(rows: list[dict[str, str]], threshold: float) -> dict[str, float]:
    """Best of three runs of each step (fewer surprises from other processes)."""
    texts = [row["text"] for row in rows]
    n = len(texts)
    best: dict[str, tuple[float, float]] = {}

    def keep(name: str, clock: _Clock) -> None:
        old = best.get(name)
        best[name] = (min(old[0], clock.wall), min(old[1], clock.cpu)) if old else (clock.wall, clock.cpu)

    for _ in range(3):
        index = NearDuplicateIndex(threshold=threshold)
        index.signature(texts[0])  # warm-up
        with _Clock() as clock:
            signatures = [index.signature(text) for text in texts]
        keep("signature", clock)
        with _Clock() as clock:
            for row, sig in zip(rows, signatures, strict=True):
                index.add(row["id"], sig)
        keep("add", clock)
        with _Clock() as clock:
            for sig in signatures:
                index.query(sig)
        keep("query", clock)
        with _Clock() as clock:
            group_near_duplicates(((row["id"], row["text"]) for row in rows), threshold=threshold)
        keep("group", clock)
        with _Clock() as clock:
            for text in texts:
                content_fingerprint(text)
        keep("fingerprint", clock)

    def rate(name: str, cpu: bool = False) -> int:
        return round(n / best[name][1 if cpu else 0])

    def micros(name: str, cpu: bool = False) -> float:
        return round(best[name][1 if cpu else 0] / n * 1e6, 1)

    return {
        "signature_docs_per_s": rate("signature"),
        "signature_docs_per_cpu_s": rate("signature", cpu=True),
        "index_add_us": micros("add"),
        "query_us": micros("query"),
        "query_cpu_us": micros("query", cpu=True),
        "group_near_duplicates_docs_per_s": rate("group"),
        "group_near_duplicates_docs_per_cpu_s": rate("group", cpu=True),
        "fingerprint_docs_per_s": rate("fingerprint"),
        "index_size": n,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSON-lines corpus (id, title, text)")
    parser.add_argument("--seed", type=int, default=20050101)
    parser.add_argument("--copies-per-variant", type=int, default=300)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="Jaccard of a near copy")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"data file not found: {args.data}", file=sys.stderr)
        return 2
    rows = load(args.data)
    result = {
        "benchmark": "duplicates",
        "data": str(args.data),
        "documents": len(rows),
        "seed": args.seed,
        "exact": exact_benchmark(rows),
        "near": near_benchmark(rows, args.seed, args.copies_per_variant, args.threshold),
        "speed": speed_benchmark(rows, args.threshold),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
