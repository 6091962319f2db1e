"""Article vectors: the embedder configured in settings, and the per-process ANN index cache.

The database holds every vector (`Article.embedding`); each process that needs neighbours keeps a
faiss index built from it on first use and topped up from `embedded_at` on every later use, so web
and worker processes on different machines stay in step (DESIGN.md §4).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.pipeline.embeddings import (
    MINILM_DIM,
    Embedder,
    from_blob,
    get_default_embedder,
)
from newsdesk.pipeline.vectorindex import VectorIndex

_lock = threading.Lock()
_embedder: Embedder | None = None
_index: VectorIndex | None = None
_synced_at: datetime | None = None
_embedder_kind: tuple[str, int] | None = None
# Rows embedded by another process shortly before our last sync may commit after it.
SYNC_OVERLAP = timedelta(minutes=2)
TOP_UP_EVERY = timedelta(seconds=1)  # a page asking twice in a second needs no second query


def get_embedder() -> Embedder:
    """The embedder `NEWSDESK_EMBEDDER` names ("minilm", "minilm-onnx" or "hashing"), one per process."""
    global _embedder, _embedder_kind
    with _lock:
        # Built once per process, again only if the settings changed (tests switch them).
        wanted = (settings.NEWSDESK_EMBEDDER, settings.NEWSDESK_EMBED_MAX_TOKENS)
        if _embedder is None or _embedder_kind != wanted:
            _embedder_kind = wanted
            _embedder = get_default_embedder(kind=wanted[0], max_seq_length=wanted[1])
        return _embedder


def article_index(*, fresh: bool = False) -> VectorIndex:
    """The ANN index over all embedded articles, topped up with what was embedded since last time.

    Readers (pages) accept an index up to a second old; `fresh=True` (story assignment, which
    must see every article embedded before it took the lock) always tops up.
    """
    global _index, _synced_at
    with _lock:
        now = timezone.now()
        if _index is None:
            _index = VectorIndex(MINILM_DIM)
            # In rowid order: the model's default order (by publish time) made SQLite visit a million
            # rows through the publish-time index, one random page read each (minutes at 1M).
            rows = (
                Article.objects.filter(embedding__isnull=False).order_by("pk").values_list("pk", "embedding")
            )
            _index.rebuild((pk, from_blob(blob)) for pk, blob in rows.iterator(chunk_size=2000))
        else:
            assert _synced_at is not None
            if not fresh and now - _synced_at < TOP_UP_EVERY:
                return _index
            # Already-indexed rows are skipped: re-adding would only leave tombstones behind.
            recent = Article.objects.filter(
                embedded_at__gte=_synced_at - SYNC_OVERLAP, embedding__isnull=False
            )
            # No ORDER BY: sorting made SQLite scan the published_at index instead of embedded_at's.
            missing = [pk for pk in recent.order_by().values_list("pk", flat=True) if pk not in _index]
            if missing:
                rows = Article.objects.filter(pk__in=missing).values_list("pk", "embedding")
                new_rows = [(pk, from_blob(blob)) for pk, blob in rows]
                _index.add([pk for pk, _ in new_rows], np.stack([v for _, v in new_rows]))
        _synced_at = now
        return _index


def forget_index() -> None:
    """Drop the cached index but keep the embedder loaded: tests, whose database is emptied between
    them while primary keys are handed out again."""
    global _index, _synced_at
    with _lock:
        _index, _synced_at = None, None


def reset() -> None:
    """Forget the cached index (it is rebuilt from the database on next use): `newsdesk reindex`, tests."""
    global _index, _synced_at, _embedder
    with _lock:
        _index, _synced_at, _embedder = None, None, None
