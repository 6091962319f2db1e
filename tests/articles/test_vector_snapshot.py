"""A large vector index is saved on disk, and the next process starts from it instead of rebuilding."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from newsdesk.articles import vectors
from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.pipeline.embeddings import MINILM_DIM, to_blob
from newsdesk.pipeline.vectorindex import VectorIndex
from newsdesk.sources.models import Source

pytestmark = pytest.mark.django_db

RNG = np.random.default_rng(11)


def _vec() -> np.ndarray:
    v = RNG.normal(size=MINILM_DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def _articles(source: Source, start: int, n: int) -> list[Article]:
    return Article.objects.bulk_create(
        Article(
            source=source,
            guid=f"g{start + i}",
            canonical_url=f"https://a.example/{start + i}",
            title=f"Article {start + i}",
            stage=FINAL_STAGE,
            embedding=to_blob(_vec()),
            embedded_at=timezone.now(),
        )
        for i in range(n)
    )


@pytest.fixture
def snapshots(settings):
    settings.NEWSDESK_INDEX_SNAPSHOT_MIN = 10  # as if this were a large site
    vectors.discard_snapshot()
    vectors.forget_index()
    yield
    vectors.discard_snapshot()  # later tests must never start from this one
    vectors.forget_index()


def _rebuilds(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = VectorIndex.rebuild

    def counting(self, items, **kw):
        calls.append(1)
        return real(self, items, **kw)

    monkeypatch.setattr(VectorIndex, "rebuild", counting)
    return calls


def test_the_next_process_starts_from_the_snapshot_and_tops_it_up(snapshots, monkeypatch) -> None:
    source = Source.objects.create(url="https://a.example/feed", canonical_url="https://a.example/feed")
    first = _articles(source, 0, 30)
    rebuilds = _rebuilds(monkeypatch)
    assert len(vectors.article_index()) == 30 and rebuilds == [1]  # built from the database, saved
    assert not vectors.save_snapshot()  # the worker's hourly save: nothing new, nothing rewritten

    vectors.forget_index()  # a new process on this machine
    later = _articles(source, 30, 3)  # embedded after the snapshot
    index = vectors.article_index()
    assert rebuilds == [1], "started from the snapshot, not the database"
    assert len(index) == 33 and all(a.pk in index for a in first + later)
    assert vectors.save_snapshot()  # three more than the snapshot: the hourly save writes it
    probe = np.frombuffer(later[0].embedding, dtype=np.float32)
    assert index.search(probe, 1)[0][0] == later[0].pk


def test_a_snapshot_that_disagrees_with_the_database_is_not_used(snapshots, monkeypatch) -> None:
    source = Source.objects.create(url="https://a.example/feed", canonical_url="https://a.example/feed")
    articles = _articles(source, 0, 30)
    vectors.article_index()
    # The database is restored from elsewhere: the same ids hold other vectors.
    for a in articles:
        Article.objects.filter(pk=a.pk).update(embedding=to_blob(_vec()))
    vectors.forget_index()
    rebuilds = _rebuilds(monkeypatch)
    index = vectors.article_index()
    assert rebuilds == [1]
    fresh = np.frombuffer(Article.objects.get(pk=articles[5].pk).embedding, dtype=np.float32)
    assert index.search(fresh, 1)[0][0] == articles[5].pk


def test_small_indexes_are_not_saved(settings) -> None:
    vectors.discard_snapshot()
    vectors.forget_index()
    source = Source.objects.create(url="https://a.example/feed", canonical_url="https://a.example/feed")
    _articles(source, 0, 5)
    vectors.article_index()
    assert not vectors.save_snapshot()
    assert not (settings.NEWSDESK_HOME / "index" / "articles" / "current").exists()
    vectors.forget_index()
