"""Search: full text (in the database) and vectors (ANN cache) fused by reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from newsdesk.articles import fulltext
from newsdesk.articles.models import FINAL_STAGE, LIST_DEFERRED, MUTE_TEXT_CHARS, Article
from newsdesk.articles.vectors import article_index
from newsdesk.pipeline.vectorindex import VectorIndex
from newsdesk.runtime.embedder import get_embedder

RRF_K = 60  # the usual constant: rank 1 ≈ 1/61; it keeps one list from drowning the other
POOL = 200
MIN_SIMILARITY = 0.3  # below this a "meaning" match is noise, not a result


@dataclass(frozen=True)
class Filters:
    source_ids: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    language: str = ""


@dataclass
class Hit:
    article: Article
    score: float
    snippet_html: str = ""
    matched_by: list[str] = field(default_factory=list)


def _passing(ids: list[int], filters: Filters) -> QuerySet[Article]:
    """Those of `ids` that are finished, original articles passing the filters."""
    qs = Article.objects.filter(pk__in=ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
    if filters.source_ids:
        qs = qs.filter(source_id__in=filters.source_ids)
    if filters.since:
        qs = qs.filter(
            Q(published_at__gte=filters.since)
            | Q(published_at__isnull=True, discovered_at__gte=filters.since)
        )
    if filters.until:
        qs = qs.filter(
            Q(published_at__lte=filters.until)
            | Q(published_at__isnull=True, discovered_at__lte=filters.until)
        )
    if filters.language:
        qs = qs.filter(language=filters.language)
    return qs


def _load(ids: list[int], bodies: bool) -> dict[int, Article]:
    qs = Article.objects.filter(pk__in=ids).select_related("source", "story")
    if not bodies:  # a results page shows title, outlet and time; mutes look at the lead only
        qs = qs.defer(*LIST_DEFERRED).annotate(text_lead=Substr("text", 1, MUTE_TEXT_CHARS))
    return {a.pk: a for a in qs}


def _best(
    order: list[int], filters: Filters, limit: int, bodies: bool, keep: Callable[[Article], bool] | None
) -> list[Article]:
    """The first `limit` articles of `order` that pass the filters and `keep`.

    Ids are checked first and models loaded only for the ones shown: at a million articles checking
    40 ids costs 1.4 ms, a loaded article 0.3 ms each (benchmarks.search). The head of the ranking
    nearly always suffices; the rest is checked only when filters reject much of it, or when `keep`
    (which needs the loaded article) is given."""
    head = order[: 2 * limit]
    passing = set(_passing(head, filters).values_list("pk", flat=True))
    if (len(passing) < limit or keep is not None) and len(order) > len(head):
        passing |= set(_passing(order[len(head) :], filters).values_list("pk", flat=True))
    candidates = [pk for pk in order if pk in passing]
    shown: list[Article] = []
    while candidates and len(shown) < limit:
        # What is still missing, in ranking order (a few more when `keep` may drop some).
        size = max(limit - len(shown), 5 if keep else 1)
        batch, candidates = candidates[:size], candidates[size:]
        found = _load(batch, bodies)
        shown += [found[pk] for pk in batch if pk in found and (keep is None or keep(found[pk]))]
    return shown[:limit]


_MEANING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-meaning")


@lru_cache(maxsize=4096)
def _query_vector(embedder_name: str, query: str) -> np.ndarray:
    """The query's vector, kept: searches repeat (popular words, saved-search feeds polled every few
    minutes), and embedding a query is the slowest step of a search on a CPU (~20 ms)."""
    vector = get_embedder().embed([query])[0]
    vector.setflags(write=False)  # shared by every search for these words
    return vector


def _nearest(index: VectorIndex, query: str) -> list[tuple[int, float]]:
    vector = _query_vector(get_embedder().name, query)
    return [(pk, sim) for pk, sim in index.search(vector, POOL) if sim >= MIN_SIMILARITY]


def lexical_matches(query: str) -> tuple[list[tuple[int, float, str]], bool]:
    """The full-text half: all the words if any article has them, else any of them (and which)."""
    lexical = fulltext.search(query, limit=POOL, snippets=False)
    if lexical:
        return lexical, True
    return fulltext.search(query, limit=POOL, match_all=False, snippets=False), False


def search(
    query: str,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    bodies: bool = True,
    keep: Callable[[Article], bool] | None = None,
) -> list[Hit]:
    """The best `limit` hits; `bodies=False` leaves the articles' texts unloaded (results pages);
    `keep` (a reader's mutes) leaves articles out before the `limit` are cut."""
    filters = filters or Filters()
    if not fulltext.terms(query):
        return []
    # The two halves run side by side: the model and faiss release the GIL, and neither touches the
    # database (the index is topped up here first), while full text runs in this thread, on its
    # connection. At a million articles each half is ~20-30 ms on this machine (benchmarks.search).
    index = article_index()
    meaning = _MEANING.submit(_nearest, index, query)
    lexical, match_all = lexical_matches(query)
    snippets: dict[int, str] = {}
    if not meaning.done():
        # Waiting for the other half anyway: make the snippets of the best word matches, the likeliest
        # to be shown (at 1M the model and ANN take ~10 ms longer than full text).
        best = [pk for pk, _, _ in lexical[: min(limit, 20)]]  # a page's worth, whatever the limit
        snippets = fulltext.snippets_for(query, best, match_all=match_all)
    semantic = meaning.result()
    fused: dict[int, float] = {}
    how: dict[int, list[str]] = {}
    for rank, (pk, _score, _snip) in enumerate(lexical, start=1):
        fused[pk] = fused.get(pk, 0.0) + 1.0 / (RRF_K + rank)
        how.setdefault(pk, []).append("words")
    for rank, (pk, _score) in enumerate(semantic, start=1):
        fused[pk] = fused.get(pk, 0.0) + 1.0 / (RRF_K + rank)
        how.setdefault(pk, []).append("meaning")
    shown = _best(sorted(fused, key=lambda pk: -fused[pk]), filters, limit, bodies, keep)
    # Snippets only for what is shown, and only where the words matched.
    missing = [a.pk for a in shown if "words" in how[a.pk] and a.pk not in snippets]
    snippets.update(fulltext.snippets_for(query, missing, match_all=match_all))
    return [Hit(a, fused[a.pk], snippets.get(a.pk, ""), how[a.pk]) for a in shown]
