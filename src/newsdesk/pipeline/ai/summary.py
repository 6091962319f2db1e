"""Extractive summaries that cite their sentences.

Each sentence is scored by centrality (its summed similarity to the article's other sentences, as in
LexRank's degree centrality), position (news puts the essentials first) and closeness to the title, the
similarity features each scaled to the article's best; sentences are then picked greedily with a
redundancy penalty (maximal marginal relevance) and returned in article order.

The sentence vectors are TF-IDF over the article's own sentences unless embeddings are given: on the
BBC dev set this ranking scores ROUGE-1 0.601 (Lead-3 0.446), above the 0.541 of the earlier ranking by
cosine to the mean MiniLM embedding, and needs no model, so a panel costs no embedding pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from newsdesk.pipeline.text.terms import tfidf_vectors

__all__ = ["CitedSentence", "lead", "mmr_select", "summarize", "summary_length"]

W_CENTRALITY = 1.0
W_POSITION = 0.6
W_TITLE = 0.4
REDUNDANCY = 0.6  # weight of the similarity to what is already picked
MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class CitedSentence:
    """A sentence quoted from a source, with where it came from."""

    text: str
    sentence_index: int
    article_id: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summary_length(n_sentences: int, *, minimum: int = 3, maximum: int = 5) -> int:
    """How many sentences to keep: a fifth of the article, within [minimum, maximum]."""
    return max(0, min(n_sentences, max(minimum, min(maximum, math.ceil(n_sentences * 0.2)))))


def lead(sentences: Sequence[str], n: int = 3) -> list[CitedSentence]:
    """The Lead-n baseline: the first ``n`` sentences."""
    return [CitedSentence(s, i) for i, s in enumerate(sentences[:n])]


def mmr_select(
    scores: np.ndarray, embeddings: np.ndarray, k: int, *, redundancy: float = REDUNDANCY
) -> list[int]:
    """Greedy maximal-marginal-relevance choice of ``k`` rows (indices in the order picked)."""
    chosen: list[int] = []
    candidates = list(range(len(scores)))
    while candidates and len(chosen) < k:
        if chosen:
            sim = embeddings[candidates] @ embeddings[chosen].T
            penalty = sim.max(axis=1)
        else:
            penalty = np.zeros(len(candidates))
        values = scores[candidates] - redundancy * penalty
        best = candidates[int(np.argmax(values))]
        chosen.append(best)
        candidates.remove(best)
    return chosen


def _scaled(x: np.ndarray) -> np.ndarray:
    """``x`` relative to its best value, so each feature weighs alike whatever vectors made it."""
    top = float(x.max()) if len(x) else 0.0
    return x / top if top > 0 else x


def summarize(
    title: str,
    sentences: Sequence[str],
    embeddings: np.ndarray | None = None,
    *,
    title_embedding: np.ndarray | None = None,
    max_sentences: int | None = None,
) -> list[CitedSentence]:
    """A 3–5 sentence extractive summary of an article, in article order, each citing its index.

    ``embeddings``, when given, holds one unit-length row per sentence (from the same embedder as
    ``title_embedding``); without them the sentences' TF-IDF vectors are used.
    """
    n = len(sentences)
    if n == 0:
        return []
    lexical = (
        tfidf_vectors(sentences, extra=[title]) if embeddings is None or title_embedding is None else None
    )
    if embeddings is None:
        emb = lexical[:n]  # type: ignore[index]
    else:
        emb = np.asarray(embeddings, dtype=np.float32)
        if emb.shape[0] != n:
            raise ValueError(f"{n} sentences but {emb.shape[0]} embeddings")
    if lexical is None:
        title_sim = emb @ np.asarray(title_embedding, dtype=np.float32).reshape(-1)
    else:
        title_sim = lexical[:n] @ lexical[n]
    k = max_sentences if max_sentences is not None else summary_length(n)
    sim = emb @ emb.T
    np.fill_diagonal(sim, 0.0)
    centrality = sim.sum(axis=1)
    position = 1.0 / np.sqrt(1.0 + np.arange(n, dtype=np.float32))
    scores = W_CENTRALITY * _scaled(centrality) + W_POSITION * position + W_TITLE * _scaled(title_sim)
    # Fragments (bylines, captions, "Read more") carry little; keep them out unless nothing else is left.
    short = np.array([len(s.split()) < MIN_WORDS for s in sentences])
    scores = np.where(short, scores - 10.0, scores)
    picked = sorted(mmr_select(scores, emb, k))
    return [CitedSentence(sentences[i], i) for i in picked]
