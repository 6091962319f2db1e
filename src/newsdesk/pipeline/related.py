"""Related articles for an article page, each with the reason it is related.

Candidates (found by the caller with a vector index) are ranked by similarity, diversified so that copies
of one report and one outlet's takes do not fill the list, and explained: the names two articles share,
how similar they are and how far apart in time ("shares NASA, Roscosmos · closely related · 2 days earlier").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from newsdesk.pipeline.features import ArticleFeatures, drop_contained_names, shown_name

__all__ = ["RelatedArticle", "RelationReason", "explain_relation", "format_time_gap", "related_articles"]


@dataclass(frozen=True)
class RelationReason:
    shared_entities: tuple[str, ...]
    similarity: float
    time_gap: timedelta  # b.published − a.published: negative when b is older
    text: str


@dataclass(frozen=True)
class RelatedArticle:
    article_id: str
    source: str
    score: float
    reason: RelationReason


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def format_time_gap(gap: timedelta) -> str:
    """'2 days earlier' / '3 hours later' / 'same time' for b relative to a (gap = b − a)."""
    secs = gap.total_seconds()
    mag = abs(secs)
    if mag < 3600:
        return "within the hour" if mag >= 60 else "same time"
    hours_or_days = (round(mag / 3600), "hour") if mag < 2 * 86400 else (round(mag / 86400), "day")
    amount = _plural(*hours_or_days)
    return f"{amount} {'earlier' if secs < 0 else 'later'}"


def _shared_display(a: ArticleFeatures, b: ArticleFeatures, limit: int = 3) -> tuple[str, ...]:
    """Shared names in a's spelling, longest first, dropping ones contained in a longer shared name."""
    b_keys = b.keys
    shared = [e for e in a.entities if e.lower() in b_keys]
    kept = drop_contained_names(sorted(shared, key=lambda e: (-len(e), e)))
    return tuple(sorted((shown_name(e) for e in kept[:limit]), key=str.lower))


def similarity_words(sim: float) -> str:
    """A similarity in words a reader understands, not a cosine ("0.61 similar")."""
    if sim >= 0.8:
        return "nearly the same report"
    if sim >= 0.6:
        return "closely related"
    return "on a related subject"


def explain_relation(a: ArticleFeatures, b: ArticleFeatures) -> RelationReason:
    """Why b is related to a, e.g. "shares NASA, Roscosmos · closely related · 2 days earlier"."""
    sim = float(np.dot(a.vector, b.vector))
    shared = _shared_display(a, b)
    gap = b.published - a.published
    parts = []
    if shared:
        parts.append("shares " + ", ".join(shared))
    parts.append(similarity_words(sim))
    parts.append(format_time_gap(gap))
    return RelationReason(shared, sim, gap, " · ".join(parts))


def related_articles(
    article: ArticleFeatures,
    candidates: Sequence[ArticleFeatures],
    *,
    k: int = 5,
    exclude_ids: Iterable[str] = (),
    diversify_sources: bool = True,
    diversity: float = 0.3,
    min_similarity: float = 0.3,
    own_outlet_penalty: float = 0.3,
) -> list[RelatedArticle]:
    """The `k` most related candidates, each with its reason.

    Ranked greedily by maximal marginal relevance: similarity to `article`, minus `diversity` × the
    similarity to the closest one already picked (so five copies of one report do not fill the list).
    With `diversify_sources`, 0.1 less for each pick already shown from the same outlet and
    `own_outlet_penalty` less for the article's own outlet: the page promises other outlets' takes.
    Candidates below `min_similarity` are not related at all.
    """
    excluded = set(exclude_ids) | {article.id}
    pool = [c for c in candidates if c.id not in excluded and c.vector.shape == article.vector.shape]
    pool.sort(key=lambda c: c.id)  # deterministic ties
    if not pool or k <= 0:
        return []
    mat = np.stack([c.vector for c in pool])
    rel = mat @ article.vector
    keep = rel >= min_similarity
    pool = [c for c, ok in zip(pool, keep, strict=True) if ok]
    mat, rel = mat[keep], rel[keep]
    chosen: list[int] = []
    shown_sources: Counter[str] = Counter()
    max_sim_to_chosen = np.full(len(pool), -1.0, dtype=np.float32)
    while len(chosen) < min(k, len(pool)):
        best_i, best_v = -1, -math.inf
        for i, c in enumerate(pool):
            if i in chosen:
                continue
            v = float(rel[i])
            if chosen:
                v -= diversity * max(0.0, float(max_sim_to_chosen[i]))
            if diversify_sources:
                v -= 0.1 * shown_sources[c.source] + (
                    own_outlet_penalty if c.source == article.source else 0.0
                )
            if v > best_v:
                best_i, best_v = i, v
        chosen.append(best_i)
        shown_sources[pool[best_i].source] += 1
        max_sim_to_chosen = np.maximum(max_sim_to_chosen, mat @ mat[best_i])
    return [
        RelatedArticle(pool[i].id, pool[i].source, float(rel[i]), explain_relation(article, pool[i]))
        for i in chosen
    ]
