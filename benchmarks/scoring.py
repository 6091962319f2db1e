"""Article-body scoring as the scrapinghub article-extraction-benchmark defines it.

Each document is compared by the multiset of its 4-token shingles (tokens are ``\\w+`` runs, case kept,
as upstream). A document's true/false positives and false negatives are normalised by their sum so that
long articles weigh no more than short ones. Precision is averaged over documents with a non-empty
prediction, recall over documents with a non-empty truth, and F1 is the harmonic mean of those two
averages (upstream ``evaluate.py``). A document empty on both sides counts in neither average; an empty
prediction for a non-empty truth scores recall 0 (and, as upstream, is left out of the precision average).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class Counts:
    """Normalised shingle counts of one document (they sum to 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def shingles(text: str, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is one shingle of all its tokens."""
    tokens = _TOKEN_RE.findall(text or "")
    if len(tokens) <= n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def match(true: str, pred: str) -> Counts:
    true_sh, pred_sh = shingles(true), shingles(pred)
    tp = float(sum((true_sh & pred_sh).values()))
    fp = float(sum((pred_sh - true_sh).values()))
    fn = float(sum((true_sh - pred_sh).values()))
    total = tp + fp + fn
    if total > 0:
        return Counts(tp / total, fp / total, fn / total)
    return Counts(0.0, 0.0, 0.0)


def _precision(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0


def _recall(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0


def aggregate(counts: Iterable[Counts]) -> Scores:
    """Upstream averaging: per-document precision/recall means, then F1 of the two means."""
    items = list(counts)
    precisions = [_precision(c) for c in items if c.tp + c.fp > 0]
    recalls = [_recall(c) for c in items if c.tp + c.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


def document_f1(true: str, pred: str) -> float:
    """F1 of one document alone (for per-page diagnostics)."""
    c = match(true, pred)
    p, r = _precision(c), _recall(c)
    return 2 * p * r / (p + r) if p + r else 0.0
