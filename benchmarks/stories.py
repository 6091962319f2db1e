"""Story clustering quality: newsdesk's online clusterer vs a TF-IDF + agglomerative baseline.

    python -m benchmarks.stories [--data FILE.jsonl]

Input: JSON lines `{id, cluster, title, text, source, url, published}`; `cluster` is the gold story. Both
systems see the same articles; newsdesk gets them one at a time in publish order (as in production, with
real all-MiniLM-L6-v2 embeddings), the baseline sees the whole set at once (an advantage it would not have
live). Prints one JSON object: BCubed and pairwise precision / recall / F1 for both, their ratios, and
BCubed F1 over a sweep of each system's threshold (newsdesk's default and the baseline's cut stay fixed;
the sweep only shows whether the result sits on a knife edge).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks.story_replay import cluster_offline
from newsdesk.pipeline.embeddings import article_embedding_text, get_default_embedder
from newsdesk.pipeline.stories import ArticleFeatures, StoryClusterer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "clusters" / "gedikli-energy-story-chains" / "articles.jsonl"

# Cosine-distance cut for the baseline's average-link tree. Chosen once, on the default data set, as the
# best BCubed F1 of a sweep over 0.50…0.95 in steps of 0.05 (0.85 → 0.983; 0.80 → 0.967; 0.90 → 0.768),
# i.e. tuned in the baseline's favour and sitting next to a cliff; never re-tuned per run.
BASELINE_DISTANCE_THRESHOLD = 0.85
NEWSDESK_SWEEP = (0.7, 0.75, 0.8, 0.85, 0.9)
BASELINE_SWEEP = (0.75, 0.8, 0.85, 0.9)


def load_articles(path: Path) -> list[dict[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = {"id", "cluster", "title", "text", "published"} - row.keys()
            if missing:
                raise SystemExit(f"{path}:{n}: missing fields {sorted(missing)}")
            rows.append(row)
    return rows


def parse_time(value: str) -> datetime:
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# --- metrics -------------------------------------------------------------------------------------------


def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """Amigó et al. 2009: per-item precision/recall of its predicted cluster vs its gold cluster."""
    gold_members: dict[str, set[str]] = defaultdict(set)
    pred_members: dict[str, set[str]] = defaultdict(set)
    for item, c in gold.items():
        gold_members[c].add(item)
    for item, c in pred.items():
        pred_members[c].add(item)
    p = r = 0.0
    for item in gold:
        overlap = len(gold_members[gold[item]] & pred_members[pred[item]])
        p += overlap / len(pred_members[pred[item]])
        r += overlap / len(gold_members[gold[item]])
    return _prf(p / len(gold), r / len(gold))


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """Precision/recall over all unordered pairs put in the same cluster."""

    def pairs(assign: Mapping[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for item, c in assign.items():
            groups[c].append(item)
        return {(a, b) for members in groups.values() for a in members for b in members if a < b}

    g, p = pairs(gold), pairs(pred)
    tp = len(g & p)
    return _prf(tp / len(p) if p else 1.0, tp / len(g) if g else 1.0)


# --- systems -------------------------------------------------------------------------------------------


def newsdesk_features(rows: list[dict[str, str]]) -> tuple[list[ArticleFeatures], dict[str, object]]:
    t0 = time.perf_counter()
    embedder = get_default_embedder()
    t_load = time.perf_counter()
    vectors = embedder.embed([article_embedding_text(r["title"], r["text"]) for r in rows])
    t_embed = time.perf_counter()
    feats = [
        ArticleFeatures(
            id=r["id"],
            title=r["title"],
            text=r["text"],
            source=r.get("source") or "",
            published=parse_time(r["published"]),
            vector=v,
        )
        for r, v in zip(rows, vectors, strict=True)
    ]
    timing = {
        "model_load_s": round(t_load - t0, 2),
        "embed_s": round(t_embed - t_load, 2),
        "embedder": embedder.name,
    }
    return feats, timing


def run_newsdesk(
    feats: list[ArticleFeatures], threshold: float | None = None
) -> tuple[dict[str, str], dict[str, float]]:
    """newsdesk with default settings (or another join threshold, for the sweep); a fresh clusterer, so
    idf starts from nothing as in a new deployment."""
    t0 = time.perf_counter()
    clusterer = StoryClusterer() if threshold is None else StoryClusterer(threshold=threshold)
    pred = cluster_offline(feats, clusterer)
    return pred, {"cluster_s": round(time.perf_counter() - t0, 3)}


def run_baseline(
    rows: list[dict[str, str]], distance_threshold: float = BASELINE_DISTANCE_THRESHOLD
) -> tuple[dict[str, str], dict[str, float]]:
    """TF-IDF (title + text, sublinear tf, English stop words, l2-normalised) and average-link
    agglomerative clustering on cosine distance, cut at a fixed distance: merging stops once the mean
    pairwise distance between the two closest clusters reaches the cut (same partition as scipy's
    `linkage(pdist(x, "cosine"), "average")` + `fcluster(..., "distance")`)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.perf_counter()
    docs = [f"{r['title']}\n{r['text']}" for r in rows]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(docs).toarray()
    if len(rows) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        labels = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=distance_threshold,
        ).fit_predict(x)
    pred = {r["id"]: f"b{lab}" for r, lab in zip(rows, labels, strict=True)}
    return pred, {"cluster_s": round(time.perf_counter() - t0, 3)}


def _scores(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, object]:
    return {
        "bcubed": bcubed(gold, pred),
        "pairwise": pairwise(gold, pred),
        "clusters": len(set(pred.values())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="articles.jsonl with gold clusters")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(json.dumps({"error": f"no data file at {args.data}"}))
        return 2
    rows = load_articles(args.data)
    if len({r["id"] for r in rows}) != len(rows):
        print(json.dumps({"error": "duplicate article ids"}))
        return 2
    gold = {r["id"]: r["cluster"] for r in rows}
    t0 = time.perf_counter()
    feats, nd_time = newsdesk_features(rows)
    nd_pred, cluster_time = run_newsdesk(feats)
    nd_time.update(cluster_time)
    base_pred, base_time = run_baseline(rows)
    nd, base = _scores(gold, nd_pred), _scores(gold, base_pred)
    nd_sweep = {str(t): bcubed(gold, run_newsdesk(feats, t)[0])["f1"] for t in NEWSDESK_SWEEP}
    base_sweep = {str(t): bcubed(gold, run_baseline(rows, t)[0])["f1"] for t in BASELINE_SWEEP}

    def ratio(kind: str, metric: str) -> float | None:
        b = base[kind][metric]  # type: ignore[index]
        return round(nd[kind][metric] / b, 4) if b else None  # type: ignore[index]

    sizes = Counter(Counter(gold.values()).values())
    out = {
        "benchmark": "story clustering",
        "data": str(args.data),
        "n_articles": len(rows),
        "gold_clusters": len(set(gold.values())),
        "gold_cluster_sizes": {str(k): v for k, v in sorted(sizes.items())},
        "newsdesk": {**nd, "threshold": StoryClusterer().threshold, "timing": nd_time},
        "baseline_tfidf_agglomerative": {
            **base,
            "distance_threshold": BASELINE_DISTANCE_THRESHOLD,
            "timing": base_time,
        },
        "ratio_newsdesk_over_baseline": {
            "bcubed_f1": ratio("bcubed", "f1"),
            "bcubed_precision": ratio("bcubed", "precision"),
            "bcubed_recall": ratio("bcubed", "recall"),
            "pairwise_f1": ratio("pairwise", "f1"),
        },
        "beats_baseline": nd["bcubed"]["f1"] > base["bcubed"]["f1"],  # type: ignore[index]
        "newsdesk_beats_baseline_bcubed_f1": nd["bcubed"]["f1"] > base["bcubed"]["f1"],  # type: ignore[index]
        "bcubed_f1_by_threshold": {"newsdesk": nd_sweep, "baseline_distance": base_sweep},
        "total_s": round(time.perf_counter() - t0, 2),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
