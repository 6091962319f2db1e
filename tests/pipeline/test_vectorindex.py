"""VectorIndex: finds what exact search finds, forgets removed ids, filters, and rejects bad input."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.pipeline.vectorindex import VectorIndex, VectorIndexError


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    rng = np.random.default_rng(42)
    centres = unit(rng.standard_normal((60, 64)))
    return unit(centres[rng.integers(0, 60, 6000)] + 0.15 * rng.standard_normal((6000, 64)))


def exact_top(data: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> set[int]:
    return set(ids[np.argsort(-(data @ q), kind="stable")[:k]].tolist())


def test_hnsw_recall_against_brute_force(data: np.ndarray) -> None:
    ids = np.arange(10_000, 10_000 + len(data), dtype=np.int64)  # article primary keys, not positions
    index = VectorIndex(64, exact_below=1000)
    index.add(ids[:3000], data[:3000])
    index.add(ids[3000:], data[3000:])
    assert not index.is_exact and len(index) == len(data)
    rng = np.random.default_rng(0)
    queries = unit(data[rng.integers(0, len(data), 100)] + 0.05 * rng.standard_normal((100, 64)))
    recall = np.mean(
        [len({i for i, _ in index.search(q, 10)} & exact_top(data, ids, q, 10)) / 10 for q in queries]
    )
    assert recall >= 0.95
    hits = index.search(queries[0], 10)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(-1.001 <= s <= 1.001 for s in scores)


def test_small_index_is_exact(data: np.ndarray) -> None:
    index = VectorIndex(64)
    ids = np.arange(500)
    index.add(ids, data[:500])
    assert index.is_exact
    for q in data[500:520]:
        assert {i for i, _ in index.search(q, 5)} == exact_top(data[:500], ids, q, 5)


@pytest.mark.parametrize("exact_below", [10_000, 100])
def test_removed_and_replaced_ids(data: np.ndarray, exact_below: int) -> None:
    index = VectorIndex(64, exact_below=exact_below)
    index.add(np.arange(1500), data[:1500])
    assert index.search(data[7], 1)[0][0] == 7
    assert index.remove([7, 8, 99_999]) == 2
    assert 7 not in index and len(index) == 1498
    assert all(i not in (7, 8) for i, _ in index.search(data[7], 20))
    # Re-adding an id replaces its vector: it is found by the new one, once.
    index.add([9], data[1600:1601])
    hits = index.search(data[1600], 5)
    assert hits[0][0] == 9 and [i for i, _ in hits].count(9) == 1
    assert index.search(data[9], 1)[0][0] != 9  # the old vector is gone


def test_mass_removal_compacts_and_still_searches(data: np.ndarray) -> None:
    index = VectorIndex(64, exact_below=500)
    index.add(np.arange(3000), data[:3000])
    index.remove(range(2500))
    assert len(index) == 500
    hits = index.search(data[2900], 3)
    assert hits[0][0] == 2900 and all(i >= 2500 for i, _ in hits)


def test_allowed_filter(data: np.ndarray) -> None:
    index = VectorIndex(64, exact_below=1000)
    index.add(np.arange(4000), data[:4000])
    hits = index.search(data[0], 10, allowed=lambda i: i % 97 == 3)
    assert len(hits) == 10 and all(i % 97 == 3 for i, _ in hits)
    assert index.search(data[0], 5, allowed=lambda i: False) == []


def test_rebuild_replaces_content(data: np.ndarray) -> None:
    index = VectorIndex(64)
    index.add([1, 2], data[:2])
    index.rebuild((100 + n, v) for n, v in enumerate(data[:50]))
    assert len(index) == 50 and 1 not in index
    assert index.search(data[3], 1)[0][0] == 103


def test_empty_and_bad_input() -> None:
    index = VectorIndex(8)
    assert index.search(np.ones(8), 5) == []
    assert index.search(np.ones(8), 0) == []
    with pytest.raises(VectorIndexError):
        index.add([1], np.ones((1, 7)))
    with pytest.raises(VectorIndexError):
        index.add([1, 2], np.ones((1, 8)))
    with pytest.raises(VectorIndexError):
        index.add([1], np.full((1, 8), np.nan))
    with pytest.raises(VectorIndexError):
        index.add(["a"], np.ones((1, 8)))  # type: ignore[list-item]
    with pytest.raises(VectorIndexError):
        index.search(np.ones(9), 3)
    with pytest.raises(VectorIndexError):
        VectorIndex(0)


def test_a_saved_index_loads_with_the_same_answers(tmp_path, data: np.ndarray) -> None:
    ids = np.arange(500, 500 + 3000, dtype=np.int64)
    index = VectorIndex(64, exact_below=1000)
    index.add(ids, data[:3000])
    index.remove([500, 501])
    index.add([502], data[3000:3001])  # replaced: the old vector is a tombstone
    index.save(tmp_path / "snap", {"synced_at": "2026-12-01T00:00:00+00:00"})
    index.save(tmp_path / "snap", {"synced_at": "2026-12-01T01:00:00+00:00"})  # replaces the first

    loaded = VectorIndex.load(tmp_path / "snap", 64)
    assert loaded is not None
    copy, meta = loaded
    assert meta == {"synced_at": "2026-12-01T01:00:00+00:00"}
    assert len(list((tmp_path / "snap").glob("snap-*"))) == 1  # the older snapshot is gone
    assert len(copy) == len(index) == 2998 and not copy.is_exact
    assert 500 not in copy and 502 in copy
    np.testing.assert_allclose(copy.vector(502), data[3000], atol=1e-6)
    for q in data[3001:3011]:
        assert copy.search(q, 10) == index.search(q, 10)
    copy.add([9999], data[3011:3012])  # a loaded index takes new rows like any other
    assert copy.search(data[3011], 1)[0][0] == 9999


def test_a_missing_or_unfit_snapshot_loads_as_none(tmp_path, data: np.ndarray) -> None:
    assert VectorIndex.load(tmp_path / "none", 64) is None
    index = VectorIndex(64)
    index.add([1, 2], data[:2])
    index.save(tmp_path / "snap", {})
    assert VectorIndex.load(tmp_path / "snap", 32) is None  # another dimension
    (tmp_path / "snap" / "current" / "index.faiss").write_bytes(b"not an index")
    assert VectorIndex.load(tmp_path / "snap", 64) is None
