"""AI desk quality and speed, printed as one JSON object per run.

    python -m benchmarks.ai --task summaries|ner|timex|qa|throughput [--data DIR] [--embedder minilm|hashing]
                            [--limit N] [--embed-sentences]

``DIR`` is the ai-eval folder (default ``../shared/data/ai-eval`` beside the repository); each task reads
its own sub-folder in the format described by that folder's README.

* ``summaries``: sentences split as the article panel does (spaCy's senter); ROUGE-1/2/L F1 (our own
  implementation, rouge-score's default tokenisation: lower case,
  runs of [a-z0-9], no stemming; ROUGE-L on the whole summary) of our extractive summary (TF-IDF sentence
  vectors, as the panel makes it) and of Lead-3,
  against the reference summaries of bbc-news-summary, in the same run.
* ``ner``: entity-level exact-span precision / recall / F1 on CoNLL-2003, spaCy labels mapped to
  PER / ORG / LOC / MISC (PERSON→PER, ORG→ORG, GPE/LOC/FAC→LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/
  LANGUAGE→MISC), run over whole documents on the gold tokens; for each model in ``--spacy-model``
  (comma-separated) the raw model, and the entity layer readers see (person/organisation/place/other
  → PER/ORG/LOC/MISC) with and without the rules of `entity_rules`.
* ``timex``: on TempEval-3 and MEANTIME, of the gold DATE/TIME expressions with a concrete value (not
  PRESENT_REF etc.): the share we find (any overlap), and of those the share resolved to the gold value.
  Gold values are compared as far as they are specified: a part of day ("2010-07-16TMO") is dropped
  (we resolve to the day) and an underspecified gold ("1989-WXX", "199X") matches our value on its
  specified prefix. Durations and sets are out of scope and not counted.
* ``qa``: on QuAIL news, for answerable questions the share where we answer and the cited sentences
  support the correct option best among the options; for "not enough information" questions the share we
  refuse; the same for the reader before issue 18 (read from git) in the same run; the curve of all three
  against `min_coverage` of `ask.answer`; and milliseconds per question on ~1,000-word articles (p50/p95,
  the real embedder loaded once; the first question of an article embeds its sentences).
* ``throughput``: articles per second through the whole panel (sentences, NER, dates, keyphrases,
  summary, facts, timeline, suggested questions), batched, on this machine's cores, by the wall clock and
  per CPU-second of the process; ``--embed-sentences`` adds the MiniLM pass that stores sentence vectors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ai-eval"
_ROUGE_TOKEN = re.compile(r"[a-z0-9]+")


def _jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    if not path.is_file():
        raise SystemExit(f"data file not found: {path}")
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit and len(out) >= limit:
                    break
    return out


def _embedder(name: str) -> Any:
    from newsdesk.pipeline.embeddings import HashingEmbedder, get_default_embedder

    return HashingEmbedder() if name == "hashing" else get_default_embedder()


# --- ROUGE ---------------------------------------------------------------------------------------------


def rouge_tokens(text: str) -> list[str]:
    return _ROUGE_TOKEN.findall(text.lower())


def _f1(overlap: float, n_ref: int, n_hyp: int) -> float:
    if overlap == 0 or n_ref == 0 or n_hyp == 0:
        return 0.0
    p, r = overlap / n_hyp, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_n(ref: Sequence[str], hyp: Sequence[str], n: int) -> float:
    def grams(t: Sequence[str]) -> Counter[tuple[str, ...]]:
        return Counter(tuple(t[i : i + n]) for i in range(len(t) - n + 1))

    r, h = grams(ref), grams(hyp)
    return _f1(sum((r & h).values()), sum(r.values()), sum(h.values()))


def rouge_l(ref: Sequence[str], hyp: Sequence[str]) -> float:
    if not ref or not hyp:
        return 0.0
    prev = [0] * (len(hyp) + 1)
    for a in ref:
        cur = [0]
        for j, b in enumerate(hyp):
            cur.append(prev[j] + 1 if a == b else max(prev[j + 1], cur[j]))
        prev = cur
    return _f1(prev[-1], len(ref), len(hyp))


def task_summaries(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from newsdesk.pipeline.ai.summary import lead, summarize
    from newsdesk.pipeline.text.entities import load_nlp
    from newsdesk.pipeline.text.sentences import sentences_from_doc, split_sentences

    nlp = load_nlp(args.spacy_model)
    records = _jsonl(data / "bbc-news-summary" / "summaries.jsonl", args.limit)
    totals = {k: np.zeros(3) for k in ("ours", "lead3")}
    words = Counter[str]()
    t0 = time.perf_counter()
    # The same sentence splitter as the article panel (spaCy's senter), for Lead-3 as well.
    docs = nlp.pipe((r["text"] for r in records), batch_size=16)
    for rec, doc in zip(records, docs, strict=True):
        sentences = [s.text for s in (sentences_from_doc(doc) or split_sentences(rec["text"]))]
        if not sentences:
            continue
        ours = summarize(rec["title"], sentences)  # TF-IDF sentence vectors, as the article panel does
        ref = rouge_tokens(rec["summary"])
        for name, picked in (("ours", ours), ("lead3", lead(sentences, 3))):
            hyp = rouge_tokens(" ".join(s.text for s in picked))
            words[name] += len(hyp)
            totals[name] += [rouge_n(ref, hyp, 1), rouge_n(ref, hyp, 2), rouge_l(ref, hyp)]
    n = len(records)
    out: dict[str, Any] = {
        "articles": n,
        "vectors": "tf-idf",
        "seconds": round(time.perf_counter() - t0, 1),
    }
    for name, v in totals.items():
        out[name] = {
            "rouge1_f1": round(v[0] / n, 4),
            "rouge2_f1": round(v[1] / n, 4),
            "rougeL_f1": round(v[2] / n, 4),
            "mean_words": round(words[name] / n, 1),
        }
    out["rouge1_gain_over_lead3"] = round(out["ours"]["rouge1_f1"] - out["lead3"]["rouge1_f1"], 4)
    return out


# --- NER -----------------------------------------------------------------------------------------------

_CONLL = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC",
    "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}  # fmt: skip


def _bio_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    spans, start, label = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label):
            if start is not None:
                spans.add((start, i, label))
            start, label = (i, tag[2:]) if tag != "O" else (None, None)
    return spans  # type: ignore[return-value]


_LAYER = {"person": "PER", "organisation": "ORG", "place": "LOC", "other": "MISC"}


def _prf(t: int, p: int, n: int) -> dict[str, float]:
    precision = t / (t + p) if t + p else 0.0
    recall = t / (t + n) if t + n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _ner_scores(
    preds: list[set[tuple[int, int, str]]], golds: list[set[tuple[int, int, str]]]
) -> dict[str, Any]:
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    for pred, gold in zip(preds, golds, strict=True):
        for s in pred & gold:
            tp[s[2]] += 1
        for s in pred - gold:
            fp[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
    labels = ["PER", "ORG", "LOC", "MISC"]
    return {
        "micro": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "per_type": {lab: _prf(tp[lab], fp[lab], fn[lab]) for lab in labels},
    }


def task_ner(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Each model named (comma-separated) scored four ways in one run: its raw entities ("model"), the
    entity layer readers see without the rules of `entity_rules` ("layer_without_rules", what the
    panel showed before them), with them ("layer"), and each mention with the kind of the entity it
    is linked into within its document ("linked": the list a panel shows it in, where "Carroll" after
    "Mark Carroll" is the person's whatever the model called that mention)."""
    from spacy.tokens import Doc

    from newsdesk.pipeline.text.entities import (
        link_mentions,
        load_nlp,
        mention_kind,
        mentions_from_doc,
        normalise_name,
    )

    docs: dict[str, list[dict[str, Any]]] = {}
    for rec in _jsonl(data / "conll2003-en" / "ner.jsonl"):
        docs.setdefault(rec["doc"], []).append(rec)
    doc_ids = list(docs)[: args.limit] if args.limit else list(docs)
    words_per_doc, golds = [], []
    for d in doc_ids:
        words, tags = [], []
        for rec in docs[d]:
            words += rec["tokens"]
            tags += rec["tags"]
        words_per_doc.append(words)
        golds.append(_bio_spans(tags))
    n_tokens = sum(len(w) for w in words_per_doc)
    out: dict[str, Any] = {"documents": len(doc_ids), "gold_entities": sum(len(g) for g in golds)}
    for model in args.spacy_model.split(","):
        nlp = load_nlp(model)
        t0 = time.perf_counter()
        parsed = list(nlp.pipe([Doc(nlp.vocab, words=w) for w in words_per_doc], batch_size=16))
        seconds = time.perf_counter() - t0
        raw, plain, ruled, linked = [], [], [], []
        for doc in parsed:
            raw.append({(e.start, e.end, _CONLL[e.label_]) for e in doc.ents if e.label_ in _CONLL})
            for rules, into in ((False, plain), (True, ruled)):
                spans = set()
                for m in mentions_from_doc(doc, rules=rules):
                    span = doc.char_span(m.start, m.end)
                    if span is not None:
                        spans.add((span.start, span.end, _LAYER[mention_kind(m)]))
                into.append(spans)
            mentions = mentions_from_doc(doc)
            kind_of = {n.lower(): e.kind for e in link_mentions(mentions) for n in (e.name, *e.aliases)}
            spans = set()
            for m in mentions:
                span = doc.char_span(m.start, m.end)
                name = normalise_name(m.text, person=m.kind == "person").lower()
                if span is not None:
                    spans.add((span.start, span.end, _LAYER[kind_of.get(name) or mention_kind(m)]))
            linked.append(spans)
        out[model] = {
            "model": _ner_scores(raw, golds),
            "layer_without_rules": _ner_scores(plain, golds),
            "layer": _ner_scores(ruled, golds),
            "linked": _ner_scores(linked, golds),
            "tokens_per_s": round(n_tokens / seconds),
        }
    return out


# --- dates ---------------------------------------------------------------------------------------------


def _timex_match(pred: str, gold: str) -> bool:
    gold = re.sub(r"T(?:MO|AF|EV|NI|DT)$", "", gold)
    pred = pred.removesuffix("Z")
    gold = gold.removesuffix("Z")

    def weeks(v: str) -> str:
        return re.sub(r"-W0?(\d+)", lambda m: f"-W{int(m.group(1))}", v)

    pred, gold = weeks(pred), weeks(gold)
    if "X" in gold:
        prefix = gold.split("X", 1)[0].rstrip("-W")
        return pred.startswith(prefix) and len(prefix) >= 3
    return pred == gold


def task_timex(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from newsdesk.pipeline.text.dates import find_time_expressions

    out: dict[str, Any] = {}
    for name in ("tempeval3-timex", "meantime-timex"):
        gold_n = found = correct = predicted = 0
        t0 = time.perf_counter()
        records = _jsonl(data / name / "timex.jsonl", args.limit)
        for rec in records:
            pred = find_time_expressions(rec["text"], rec["dct"])
            predicted += len(pred)
            for t in rec["timexes"]:
                if t["type"] not in ("DATE", "TIME") or not re.match(r"\d{3}", t["value"]):
                    continue
                gold_n += 1
                hits = [p for p in pred if p.start < t["end"] and t["start"] < p.end]
                if hits:
                    found += 1
                    correct += _timex_match(hits[0].value, t["value"])
        out[name] = {
            "documents": len(records),
            "gold_date_time": gold_n,
            "found": round(found / gold_n, 4) if gold_n else None,
            "value_accuracy_of_found": round(correct / found, 4) if found else None,
            "value_accuracy_of_all": round(correct / gold_n, 4) if gold_n else None,
            "predicted": predicted,
            "docs_per_s": round(len(records) / (time.perf_counter() - t0), 1),
        }
    return out


# --- QA ------------------------------------------------------------------------------------------------


class _Memo:
    """An embedder that embeds each distinct text once (the threshold curve asks every question again)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self._seen = inner, inner.name, {}

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if todo:
            self._seen.update(zip(todo, self.inner.embed(todo, batch_size=batch_size), strict=True))
        return np.stack([self._seen[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)


BASELINE_READER = ("8aaac65", "src/newsdesk/pipeline/ai/ask.py")  # the reader before issue 18


def _baseline_answer() -> Any:
    """`answer` of the reader before issue 18, read from git, to measure beside today's in one run (None
    outside a git checkout)."""
    import importlib.util
    import subprocess
    import tempfile

    rev, path = BASELINE_READER
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:{path}"], capture_output=True, check=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("_baseline_ask", f.name)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    os.unlink(f.name)
    return module.answer


def _qa_run(
    records: list[dict[str, Any]], embedder: Any, docs: dict[str, Any], reader: Any = None, **kw: Any
) -> dict[str, Any]:
    from newsdesk.pipeline.ai.ask import answer
    from newsdesk.pipeline.text.terms import terms

    reader = reader or answer
    answerable = supported = answered = unanswerable = refused = 0
    for rec in records:
        sents, vecs = docs[rec["doc"]]
        a = reader(rec["question"], sents, embedder=embedder, embeddings=vecs, **kw)
        if not rec["answerable"]:
            unanswerable += 1
            refused += not a.answerable
            continue
        answerable += 1
        if not a.answerable:
            continue
        answered += 1
        cited = " ".join(p.text for p in a.sentences)
        cited_terms = set(terms(cited))
        cited_vec = embedder.embed([cited])[0]
        options = [c for c in rec["choices"] if "not enough information" not in c.lower()]
        option_vecs = embedder.embed(options)

        support = []
        for i, option in enumerate(options):
            option_terms = set(terms(option))
            lexical = len(option_terms & cited_terms) / len(option_terms) if option_terms else 0.0
            support.append(lexical + float(option_vecs[i] @ cited_vec))
        best = int(np.argmax(support))
        supported += options[best] in rec["answers"]
    return {
        "answerable": answerable,
        "answered_share": round(answered / answerable, 4) if answerable else None,
        "cited_supports_correct_option": round(supported / answerable, 4) if answerable else None,
        "unanswerable": unanswerable,
        "refused_share": round(refused / unanswerable, 4) if unanswerable else None,
    }


def _qa_latency(records: list[dict[str, Any]], embedder_name: str) -> dict[str, Any]:
    """Seconds per question on ~1,000-word articles (three of the set's texts joined), with the real
    embedder loaded once: the first question of an article embeds its sentences (cold), the others reuse
    those vectors (warm), as the site does with the vectors stored beside each panel."""
    from newsdesk.pipeline.ai import ask
    from newsdesk.pipeline.text.sentences import split_sentences

    embedder = _embedder(embedder_name)
    embedder.embed(["warm-up"])
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_doc.setdefault(rec["doc"], []).append(rec)
    ids = list(by_doc)
    cold, warm, words = [], [], []
    for k in range(0, len(ids) - 2, 3):
        group = ids[k : k + 3]
        text = "\n".join(by_doc[d][0]["context"] for d in group)
        words.append(len(text.split()))
        sentences = [s.text for s in split_sentences(text)]
        vectors = None
        for j, rec in enumerate(r for d in group for r in by_doc[d]):
            t0 = time.perf_counter()
            if vectors is None:  # what a page without stored vectors pays once: they are stored then
                vectors = embedder.embed(sentences)
            ask.answer(rec["question"], sentences, embedder=embedder, embeddings=vectors)
            (cold if j == 0 else warm).append(time.perf_counter() - t0)
    both = np.array(cold + warm) * 1000
    return {
        "articles": len(words),
        "mean_words": round(float(np.mean(words)), 1) if words else None,
        "questions": len(both),
        "p50_ms": round(float(np.percentile(both, 50)), 1) if len(both) else None,
        "p95_ms": round(float(np.percentile(both, 95)), 1) if len(both) else None,
        "warm_p95_ms": round(float(np.percentile(np.array(warm) * 1000, 95)), 1) if warm else None,
        "cold_p50_ms": round(float(np.percentile(np.array(cold) * 1000, 50)), 1) if cold else None,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def task_qa(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from newsdesk.pipeline.ai.ask import MIN_COVERAGE
    from newsdesk.pipeline.text.sentences import split_sentences

    embedder = _Memo(_embedder(args.embedder))
    records = _jsonl(data / "quail-news" / "qa.jsonl", args.limit)
    docs: dict[str, tuple[list[str], np.ndarray]] = {}
    for rec in records:
        if rec["doc"] not in docs:
            sents = [s.text for s in split_sentences(rec["context"])]
            docs[rec["doc"]] = (sents, embedder.embed(sents))
    out: dict[str, Any] = {"questions": len(records), "embedder": embedder.name, "min_coverage": MIN_COVERAGE}
    out.update(_qa_run(records, embedder, docs))
    baseline = _baseline_answer()
    if baseline is not None:
        out["before"] = {
            "reader": "git " + ":".join(BASELINE_READER),
            **_qa_run(records, embedder, docs, baseline),
        }
    # The trade-off: how many unanswerable questions are refused against how many answerable ones are
    # answered (and cited well), as the share of the question's words a general question's answer must
    # hold rises.
    out["threshold_curve"] = [
        {"min_coverage": c, **{k: v for k, v in _qa_run(records, embedder, docs, min_coverage=c).items()
                               if k in ("refused_share", "cited_supports_correct_option", "answered_share")}}
        for c in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    ]  # fmt: skip
    if args.embedder != "hashing":
        out["latency"] = _qa_latency(records, args.embedder)
    return out


# --- throughput ----------------------------------------------------------------------------------------


_worker_state: dict[str, Any] = {}


def _throughput_init(
    spacy_model: str, embedder_name: str | None, threads: int, embed: bool, ready: Any
) -> None:
    """One benchmark process: its own spaCy pipeline (and embedder), loaded and warmed before timing."""
    import torch

    from newsdesk.pipeline.ai.panel import explain_articles
    from newsdesk.pipeline.text.entities import load_nlp

    torch.set_num_threads(threads)
    embedder = _embedder(embedder_name) if embed and embedder_name else None
    kw = {"embedder": embedder, "nlp": load_nlp(spacy_model), "embed_sentences": embed}
    warm = "The council met on Tuesday in Paris. It approved the budget of 3 million euros."
    explain_articles([("Warm-up", warm, datetime(2025, 4, 8, 9, tzinfo=UTC))], **kw)
    _worker_state.update(kw=kw, ready=ready)


def _throughput_chunk(items: list[tuple[str, str, datetime]]) -> tuple[int, int, int, float]:
    from newsdesk.pipeline.ai.panel import explain_articles

    c0 = time.process_time()
    panels = explain_articles(items, batch_size=16, **_worker_state["kw"])
    words = sum(p.word_count for p in panels)
    sentences = sum(len(p.sentences) for p in panels)
    return len(panels), words, sentences, time.process_time() - c0


def task_throughput(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Articles/s through the whole text + AI layer, in `--processes` processes (default: one per
    core), as a site's workers run it; each process loads and warms its own pipeline before timing."""
    import multiprocessing

    records = _jsonl(data / "bbc-news-summary" / "summaries.jsonl", args.limit or 200)
    published = datetime(2025, 4, 8, 9, tzinfo=UTC)
    items = [(r["title"], r["text"], published) for r in records]
    n = max(1, args.processes or os.cpu_count() or 1)
    chunks = [items[i::n] for i in range(n)]
    ctx = multiprocessing.get_context("spawn")
    init = (args.spacy_model, args.embedder, args.threads, args.embed_sentences, ctx.Barrier(n))
    with ctx.Pool(n, initializer=_throughput_init, initargs=init) as pool:
        # n tasks that each wait for all n processes: every one has loaded before the clock starts.
        pool.map(_throughput_ready, range(n), chunksize=1)
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        results = pool.map(_throughput_chunk, chunks)
        seconds = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
    done = sum(r[0] for r in results)
    cpu = sum(r[3] for r in results)
    return {
        "articles": done,
        "processes": n,
        "embedder": args.embedder if args.embed_sentences else None,
        "torch_threads": args.threads,
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(load_after, 2),
        "mean_words": round(sum(r[1] for r in results) / done, 1),
        "mean_sentences": round(sum(r[2] for r in results) / done, 1),
        "seconds": round(seconds, 2),
        "articles_per_s": round(done / seconds, 2),
        # CPU time of the processes: articles per core-second, what one idle core would do.
        "cpu_seconds": round(cpu, 2),
        "articles_per_cpu_s": round(done / cpu, 2),
    }


def _throughput_ready(_: int) -> None:
    _worker_state["ready"].wait()


TASKS = {
    "summaries": task_summaries,
    "ner": task_ner,
    "timex": task_timex,
    "qa": task_qa,
    "throughput": task_throughput,
}


def main(argv: Sequence[str] | None = None) -> int:
    from newsdesk.pipeline.text.entities import DEFAULT_SPACY_MODEL

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--task", required=True, choices=sorted(TASKS))
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the ai-eval folder")
    p.add_argument("--embedder", choices=["minilm", "hashing"], default="minilm")
    p.add_argument("--spacy-model", default=DEFAULT_SPACY_MODEL)
    p.add_argument("--limit", type=int, default=None, help="first N records (documents for ner)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process for throughput")
    p.add_argument("--processes", type=int, default=0, help="throughput: processes (default: one per core)")
    p.add_argument(
        "--embed-sentences", action="store_true", help="throughput: also embed and store sentence vectors"
    )
    args = p.parse_args(argv)
    if not args.data.is_dir():
        print(f"data folder not found: {args.data}", file=sys.stderr)
        return 2
    result = {"task": args.task, **TASKS[args.task](args.data, args)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
