"""Story clustering quality: newsdesk's online clusterer vs a TF-IDF + agglomerative baseline.

    python -m benchmarks.stories [--set dev|heldout|all|NAME ...] [--data FILE.jsonl] [--sweep]

Sets (benchmarks/story_sets.py; labelled by the rule in docs/story-events.md): `gedikli`, `rssarch-dev`,
`bbc-dev` (the default, `dev`), `rssarch-heldout`, `bbc-heldout` (`heldout`), `bbc` (all 1,559). `--data`
reads JSON lines `{id, cluster, title, text, source, url, published}` instead; `cluster` is the gold story.
The labelled sets hold every article of a feed window or corpus section, so most are events of their own
(as in a live stream); `--events-only` keeps only articles whose event has others, the regime of sets
assembled from chosen events, where recall weighs more.

Both systems see the same articles; newsdesk gets them one at a time in publish order (as in production,
with real all-MiniLM-L6-v2 embeddings, cached under var/cache/ by text), the baseline sees the whole set at
once (an advantage it would not have live). The baseline is scored twice: at its fixed cut, and at the best
cut of its sweep *for that set* (an oracle no live system has: the bar that matters on data we did not tune
on). Prints one JSON object: BCubed and pairwise precision / recall / F1 per set for newsdesk and both
baselines, the largest predicted and gold stories, and with `--sweep` BCubed F1 over newsdesk's join
threshold too (newsdesk's default stays fixed; the sweep only shows whether the result sits on a knife
edge).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks.story_replay import cluster_offline
from benchmarks.story_sets import DEV_SETS, HELDOUT_SETS, SETS, load_set
from newsdesk.pipeline.embeddings import article_embedding_text, get_default_embedder
from newsdesk.pipeline.stories import ArticleFeatures, StoryClusterer

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "cache" / "story-benchmark"

# Cosine-distance cut for the baseline's average-link tree. Chosen once, on the default data set, as the
# best BCubed F1 of a sweep over 0.50…0.95 in steps of 0.05 (0.85 → 0.983; 0.80 → 0.967; 0.90 → 0.768),
# i.e. tuned in the baseline's favour and sitting next to a cliff; never re-tuned per run.
BASELINE_DISTANCE_THRESHOLD = 0.85
NEWSDESK_SWEEP = (0.7, 0.75, 0.8, 0.85, 0.9)
BASELINE_SWEEP = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
GROUPS = {"dev": DEV_SETS, "heldout": HELDOUT_SETS, "all": DEV_SETS + HELDOUT_SETS}


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


def _embed(texts: list[str]) -> tuple[np.ndarray, str]:
    """MiniLM vectors of `texts`, from the cache when these exact texts were embedded before."""
    embedder = get_default_embedder()
    key = hashlib.sha256("\x00".join([embedder.name, *texts]).encode()).hexdigest()[:32]
    path = CACHE / f"{key}.npy"
    if path.is_file():
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dim):
            return vectors, embedder.name
    vectors = embedder.embed(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, embedder.name


def newsdesk_features(rows: list[dict[str, str]]) -> tuple[list[ArticleFeatures], dict[str, object]]:
    t0 = time.perf_counter()
    vectors, name = _embed([article_embedding_text(r["title"], r["text"]) for r in rows])
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
    timing = {"embed_s": round(t_embed - t0, 2), "embedder": name}
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


_DISTANCES: dict[tuple[str, ...], np.ndarray] = {}


def _tfidf_distances(rows: list[dict[str, str]]) -> np.ndarray:
    """Cosine distances of the rows' TF-IDF vectors (kept for the sweep over the same rows)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    key = tuple(r["id"] for r in rows)
    if key not in _DISTANCES:
        docs = [f"{r['title']}\n{r['text']}" for r in rows]
        x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(docs)
        _DISTANCES.clear()
        _DISTANCES[key] = np.clip(1.0 - (x @ x.T).toarray(), 0.0, 2.0)
    return _DISTANCES[key]


def run_baseline(
    rows: list[dict[str, str]], distance_threshold: float = BASELINE_DISTANCE_THRESHOLD
) -> tuple[dict[str, str], dict[str, float]]:
    """TF-IDF (title + text, sublinear tf, English stop words, l2-normalised) and average-link
    agglomerative clustering on cosine distance, cut at a fixed distance: merging stops once the mean
    pairwise distance between the two closest clusters reaches the cut (same partition as scipy's
    `linkage(pdist(x, "cosine"), "average")` + `fcluster(..., "distance")`)."""
    from sklearn.cluster import AgglomerativeClustering

    t0 = time.perf_counter()
    if len(rows) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        labels = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=distance_threshold,
        ).fit_predict(_tfidf_distances(rows))
    pred = {r["id"]: f"b{lab}" for r, lab in zip(rows, labels, strict=True)}
    return pred, {"cluster_s": round(time.perf_counter() - t0, 3)}


def _scores(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, object]:
    return {
        "bcubed": bcubed(gold, pred),
        "pairwise": pairwise(gold, pred),
        "clusters": len(set(pred.values())),
    }


def largest(
    gold: Mapping[str, str], pred: Mapping[str, str], titles: Mapping[str, str], k: int = 3
) -> list[dict]:
    """The `k` largest predicted stories: size, how many gold events they mix, a few member titles."""
    members: dict[str, list[str]] = defaultdict(list)
    for item, c in pred.items():
        members[c].append(item)
    out = []
    for ids in sorted(members.values(), key=len, reverse=True)[:k]:
        events = Counter(gold[i] for i in ids)
        out.append(
            {"size": len(ids), "gold_events": len(events), "titles": [titles[i][:60] for i in ids[:5]]}
        )
    return out


def evaluate(name: str, rows: list[dict[str, str]], sweep: bool) -> dict[str, object]:
    if len({r["id"] for r in rows}) != len(rows):
        raise SystemExit(f"{name}: duplicate article ids")
    gold = {r["id"]: r["cluster"] for r in rows}
    titles = {r["id"]: r["title"] for r in rows}
    t0 = time.perf_counter()
    feats, nd_time = newsdesk_features(rows)
    nd_pred, cluster_time = run_newsdesk(feats)
    nd_time.update(cluster_time)
    base_pred, base_time = run_baseline(rows)
    base_sweep = {t: bcubed(gold, run_baseline(rows, t)[0]) for t in BASELINE_SWEEP}
    best_cut = max(BASELINE_SWEEP, key=lambda t: (base_sweep[t]["f1"], -abs(t - BASELINE_DISTANCE_THRESHOLD)))
    oracle_pred = run_baseline(rows, best_cut)[0]
    nd, base, oracle = _scores(gold, nd_pred), _scores(gold, base_pred), _scores(gold, oracle_pred)
    sizes = Counter(Counter(gold.values()).values())
    out: dict[str, object] = {
        "n_articles": len(rows),
        "gold_clusters": len(set(gold.values())),
        "gold_cluster_sizes": {str(k): v for k, v in sorted(sizes.items())},
        "newsdesk": {**nd, "threshold": StoryClusterer().threshold, "timing": nd_time},
        "baseline_tfidf_agglomerative": {
            **base,
            "distance_threshold": BASELINE_DISTANCE_THRESHOLD,
            "timing": base_time,
        },
        "baseline_tuned_on_this_set": {**oracle, "distance_threshold": best_cut},
        "newsdesk_minus_baseline_bcubed_f1": round(nd["bcubed"]["f1"] - base["bcubed"]["f1"], 4),  # type: ignore[index]
        "newsdesk_minus_tuned_baseline_bcubed_f1": round(nd["bcubed"]["f1"] - oracle["bcubed"]["f1"], 4),  # type: ignore[index]
        "largest_newsdesk_stories": largest(gold, nd_pred, titles),
        "largest_gold_events": max(sizes),
        "bcubed_f1_by_threshold": {"baseline_distance": {str(t): v["f1"] for t, v in base_sweep.items()}},
    }
    if sweep:
        out["bcubed_f1_by_threshold"]["newsdesk"] = {  # type: ignore[index]
            str(t): bcubed(gold, run_newsdesk(feats, t)[0])["f1"] for t in NEWSDESK_SWEEP
        }
    out["total_s"] = round(time.perf_counter() - t0, 2)
    return out


def _events_only(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    size = Counter(r["cluster"] for r in rows)
    return [r for r in rows if size[r["cluster"]] > 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set",
        action="append",
        dest="sets",
        metavar="NAME",
        help=f"a labelled set ({', '.join(SETS)}) or group ({', '.join(GROUPS)}); repeatable; default: dev",
    )
    parser.add_argument("--data", type=Path, help="articles.jsonl with gold clusters, instead of the sets")
    parser.add_argument("--sweep", action="store_true", help="also sweep newsdesk's join threshold")
    parser.add_argument(
        "--events-only",
        action="store_true",
        help="drop articles that are events of their own: the regime of sets built from chosen events",
    )
    args = parser.parse_args(argv)
    todo: list[tuple[str, list[dict[str, str]]]] = []
    if args.data is not None:
        if not args.data.is_file():
            print(json.dumps({"error": f"no data file at {args.data}"}))
            return 2
        todo.append((str(args.data), load_articles(args.data)))
    for name in args.sets or ([] if args.data else ["dev"]):
        for one in GROUPS.get(name, (name,)):
            try:
                todo.append((one, load_set(one)))
            except (KeyError, OSError) as exc:
                print(json.dumps({"error": f"set {one}: {exc}"}))
                return 2
    if args.events_only:
        todo = [(f"{name} (events only)", _events_only(rows)) for name, rows in todo]
    results = {name: evaluate(name, rows, args.sweep) for name, rows in todo}
    summary = {
        name: {
            "newsdesk": r["newsdesk"]["bcubed"],  # type: ignore[index]
            "baseline": r["baseline_tfidf_agglomerative"]["bcubed"],  # type: ignore[index]
            "baseline_tuned_on_this_set": r["baseline_tuned_on_this_set"]["bcubed"],  # type: ignore[index]
        }
        for name, r in results.items()
    }
    print(json.dumps({"benchmark": "story clustering (BCubed)", "summary": summary, "sets": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
