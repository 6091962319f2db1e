"""Article vectors: the per-process ANN index cache (the embedder is `runtime.embedder`).

The database holds every vector (`Article.embedding`); each process that needs neighbours keeps a
faiss index built from it on first use and topped up from `embedded_at` on every later use, so web
and worker processes on different machines stay in step (DESIGN.md §4). Building the graph takes
minutes at a million articles, so a large index is also saved under NEWSDESK_HOME (after a build,
and hourly by the worker) and a process on the same machine starts from that snapshot, topped up.
"""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.pipeline.embeddings import MINILM_DIM, from_blob
from newsdesk.pipeline.vectorindex import VectorIndex
from newsdesk.runtime.embedder import reset_embedder

log = logging.getLogger(__name__)
_lock = threading.Lock()
_index: VectorIndex | None = None
_synced_at: datetime | None = None
_saved_size = -1  # the index size this process last saved or loaded: an unchanged index is not rewritten
# Rows embedded by another process shortly before our last sync may commit after it.
SYNC_OVERLAP = timedelta(minutes=2)
TOP_UP_EVERY = timedelta(seconds=1)  # a page asking twice in a second needs no second query


def article_index(*, fresh: bool = False) -> VectorIndex:
    """The ANN index over all embedded articles, topped up with what was embedded since last time.

    Readers (pages) accept an index up to a second old; `fresh=True` (story assignment, which
    must see every article embedded before it took the lock) always tops up. A process starts from
    this machine's snapshot when there is one that agrees with the database, else from the database.
    """
    global _index, _synced_at
    with _lock:
        now = timezone.now()
        if _index is None:
            snapshot = _from_snapshot()
            if snapshot is not None:
                _index, _synced_at = snapshot
                fresh = True  # whatever was embedded since the snapshot, however recent it is
            else:
                _index = VectorIndex(MINILM_DIM)
                # In rowid order: the model's default order (by publish time) made SQLite visit a
                # million rows through the publish-time index, one random page read each (minutes).
                rows = (
                    Article.objects.filter(embedding__isnull=False)
                    .order_by("pk")
                    .values_list("pk", "embedding")
                )
                _index.rebuild((pk, from_blob(blob)) for pk, blob in rows.iterator(chunk_size=2000))
                _synced_at = now
                if len(_index) >= settings.NEWSDESK_INDEX_SNAPSHOT_MIN:
                    _save(_index, now)
                return _index
        assert _synced_at is not None
        if not fresh and now - _synced_at < TOP_UP_EVERY:
            return _index
        # Already-indexed rows are skipped: re-adding would only leave tombstones behind.
        recent = Article.objects.filter(embedded_at__gte=_synced_at - SYNC_OVERLAP, embedding__isnull=False)
        # No ORDER BY: sorting made SQLite scan the published_at index instead of embedded_at's.
        missing = [pk for pk in recent.order_by().values_list("pk", flat=True) if pk not in _index]
        if missing:
            rows = Article.objects.filter(pk__in=missing).values_list("pk", "embedding")
            new_rows = [(pk, from_blob(blob)) for pk, blob in rows]
            _index.add([pk for pk, _ in new_rows], np.stack([v for _, v in new_rows]))
        _synced_at = now
        return _index


# --- snapshots: a process starts in seconds instead of rebuilding a million-row graph (minutes) ----


def _snapshot_folder() -> Path:
    return Path(settings.NEWSDESK_HOME) / "index" / "articles"


def _database() -> str:
    """Which database the vectors came from (a snapshot of another is never used)."""
    s = connection.settings_dict
    return f"{connection.vendor}:{s.get('HOST') or ''}:{s.get('PORT') or ''}:{s['NAME']}"


def _save(index: VectorIndex, synced_at: datetime) -> None:
    global _saved_size
    try:
        index.save(_snapshot_folder(), {"database": _database(), "synced_at": synced_at.isoformat()})
        _saved_size = len(index)
    except (OSError, RuntimeError) as exc:  # faiss raises RuntimeError; a full disk costs start time only
        log.warning("vector index snapshot not written: %s", exc)


def _from_snapshot() -> tuple[VectorIndex, datetime] | None:
    global _saved_size
    loaded = VectorIndex.load(_snapshot_folder(), MINILM_DIM)
    if loaded is None:
        return None
    index, meta = loaded
    if meta.get("database") != _database() or not _agrees_with_database(index):
        log.info("vector index snapshot does not match the database: rebuilding from it")
        return None
    log.info("vector index: %d articles from this machine's snapshot", len(index))
    _saved_size = len(index)
    return index, datetime.fromisoformat(str(meta["synced_at"]))


def _agrees_with_database(index: VectorIndex, sample: int = 64) -> bool:
    """Spot-check the snapshot against the database: a database restored, or emptied and refilled
    under the same name, holds other vectors for the same ids (a few deleted rows are fine)."""
    ids = np.sort(index.ids())
    if ids.size == 0:
        return False
    picks = ids[np.linspace(0, ids.size - 1, min(sample, ids.size)).astype(int)].tolist()
    rows = Article.objects.filter(pk__in=picks, embedding__isnull=False).values_list("pk", "embedding")
    stored = dict(rows)
    if len(stored) < 0.9 * len(picks):
        return False
    return all(np.allclose(index.vector(pk), from_blob(blob), atol=1e-4) for pk, blob in stored.items())


def save_snapshot(*, any_size: bool = False) -> bool:
    """Write this process's index for the next process on this machine (the worker, hourly; with
    `any_size`, `newsdesk web` before it starts one web process per core)."""
    with _lock:
        least = 1 if any_size else settings.NEWSDESK_INDEX_SNAPSHOT_MIN
        if _index is None or _synced_at is None or len(_index) < least:
            return False
        if len(_index) == _saved_size:  # nothing new since this process saved or loaded it
            return False
        _save(_index, _synced_at)
        return True


def discard_snapshot() -> None:
    """Forget this machine's snapshot (`newsdesk reindex` rebuilds from the database itself)."""
    shutil.rmtree(_snapshot_folder(), ignore_errors=True)


def forget_index() -> None:
    """Drop the cached index but keep the embedder loaded: tests, whose database is emptied between
    them while primary keys are handed out again."""
    global _index, _synced_at, _saved_size
    with _lock:
        _index, _synced_at, _saved_size = None, None, -1


def reset() -> None:
    """Forget the cached index (it is rebuilt from the database on next use): `newsdesk reindex`, tests."""
    global _index, _synced_at, _saved_size
    with _lock:
        _index, _synced_at, _saved_size = None, None, -1
    reset_embedder()
