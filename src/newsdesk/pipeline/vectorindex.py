"""Nearest-neighbour search over article vectors: a per-process cache in front of the database.

The database holds the vectors; each process that needs neighbours keeps a `VectorIndex`, fills it with
`rebuild()` from the database and tops it up with `add()`. Vectors are unit length, so inner product is
cosine similarity. Below `exact_below` entries the index is an exact flat scan (faster to build, exact, and
as quick as a graph at that size); above it, a faiss HNSW graph (recall and latency:
benchmarks/search_index.py).

HNSW cannot delete, so removal and re-adding use tombstones: each stored row has an internal label, and a
hit counts only if its label is still the current one for its id. The graph is compacted once more than
half of its rows are dead.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import faiss
import numpy as np

__all__ = ["VectorIndex", "VectorIndexError"]


class VectorIndexError(ValueError):
    """Bad input to the index: wrong dimension, mismatched ids and vectors, non-finite values."""


class VectorIndex:
    """Cosine nearest neighbours for int64 ids; exact when small, HNSW when large; thread-safe."""

    def __init__(
        self,
        dim: int,
        *,
        exact_below: int = 2048,
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int | None = None,
    ) -> None:
        if dim <= 0:
            raise VectorIndexError("dim must be positive")
        self.dim = dim
        self.exact_below = exact_below
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search  # None: chosen from the size, see `effective_ef_search`
        self._lock = threading.RLock()
        self._reset()

    # --- state -----------------------------------------------------------------------------------------

    def _reset(self) -> None:
        self._index: faiss.Index = faiss.IndexFlatIP(self.dim)
        self._is_hnsw = False
        self._label_ids = np.zeros(0, dtype=np.int64)  # internal label -> article id
        self._n_labels = 0
        self._current: dict[int, int] = {}  # article id -> its live label

    @property
    def is_exact(self) -> bool:
        """True while searches are an exact scan (small index)."""
        return not self._is_hnsw

    def __len__(self) -> int:
        return len(self._current)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, int | np.integer) and int(item_id) in self._current

    def _new_hnsw(self) -> faiss.Index:
        index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        return index

    @property
    def effective_ef_search(self) -> int:
        """HNSW breadth per query. Measured with clustered 384-d vectors (benchmarks/search_index.py):
        at 100k, 64 gives recall@10 0.995 in 0.5 ms; at 1M it gives only 0.64, and 256 gives 0.94 in
        1.1 ms. So unless set explicitly it grows with the size: 64 up to 256k rows, 256 from 1M."""
        if self.ef_search is not None:
            return self.ef_search
        return max(64, min(256, self._index.ntotal // 4000))

    # --- input checks ----------------------------------------------------------------------------------

    def _as_matrix(self, vectors: np.ndarray | Sequence[np.ndarray], n: int | None = None) -> np.ndarray:
        try:
            m = np.asarray(vectors, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise VectorIndexError(f"vectors are not numeric: {exc}") from exc
        if m.ndim == 1:
            m = m[None, :]
        if m.ndim != 2 or m.shape[1] != self.dim:
            raise VectorIndexError(f"expected vectors of dimension {self.dim}, got shape {m.shape}")
        if n is not None and m.shape[0] != n:
            raise VectorIndexError(f"{n} ids but {m.shape[0]} vectors")
        if not np.all(np.isfinite(m)):
            raise VectorIndexError("vectors contain NaN or infinity")
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        norms[norms == 0.0] = 1.0
        return np.ascontiguousarray(m / norms, dtype=np.float32)

    @staticmethod
    def _as_ids(ids: Sequence[int] | np.ndarray) -> np.ndarray:
        try:
            arr = np.asarray(ids)
        except (TypeError, ValueError) as exc:
            raise VectorIndexError(f"ids are not integers: {exc}") from exc
        if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
            raise VectorIndexError("ids must be a flat sequence of integers")
        return arr.astype(np.int64, copy=False)

    # --- writing ---------------------------------------------------------------------------------------

    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray | Sequence[np.ndarray]) -> None:
        """Add or replace vectors; an id already present is replaced (its old row becomes a tombstone)."""
        id_arr = self._as_ids(ids)
        if id_arr.size == 0:
            return
        mat = self._as_matrix(vectors, n=id_arr.size)
        # Within one call the last vector for a repeated id wins, as it would with separate calls.
        with self._lock:
            start = self._n_labels
            self._grow_labels(start + id_arr.size)
            self._label_ids[start : start + id_arr.size] = id_arr
            self._n_labels += id_arr.size
            for offset, item_id in enumerate(id_arr.tolist()):
                self._current[item_id] = start + offset
            self._index.add(mat)
            if not self._is_hnsw and len(self._current) >= self.exact_below:
                self._compact(to_hnsw=True)
            elif self._n_labels > 1024 and len(self._current) < self._n_labels // 2:
                self._compact(to_hnsw=len(self._current) >= self.exact_below)

    def _grow_labels(self, needed: int) -> None:
        if needed > self._label_ids.size:
            grown = np.zeros(max(needed, 2 * self._label_ids.size, 1024), dtype=np.int64)
            grown[: self._n_labels] = self._label_ids[: self._n_labels]
            self._label_ids = grown

    def remove(self, ids: Iterable[int]) -> int:
        """Forget these ids (tombstones); returns how many were present."""
        removed = 0
        with self._lock:
            for item_id in ids:
                if self._current.pop(int(item_id), None) is not None:
                    removed += 1
            if self._n_labels > 1024 and len(self._current) < self._n_labels // 2:
                self._compact(to_hnsw=len(self._current) >= self.exact_below)
        return removed

    def _compact(self, *, to_hnsw: bool) -> None:
        """Rebuild the faiss index from live rows only (also the switch from exact to HNSW)."""
        labels = np.fromiter(self._current.values(), dtype=np.int64, count=len(self._current))
        labels.sort()
        vectors = (
            self._index.reconstruct_batch(labels)
            if labels.size
            else np.zeros((0, self.dim), dtype=np.float32)
        )
        ids = self._label_ids[labels]
        self._index = self._new_hnsw() if to_hnsw else faiss.IndexFlatIP(self.dim)
        self._is_hnsw = to_hnsw
        self._label_ids = np.zeros(0, dtype=np.int64)
        self._n_labels = 0
        self._current = {}
        if ids.size:
            self._grow_labels(ids.size)
            self._label_ids[: ids.size] = ids
            self._n_labels = ids.size
            self._current = {int(i): n for n, i in enumerate(ids.tolist())}
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def rebuild(self, items: Iterable[tuple[int, np.ndarray]], *, chunk: int = 10_000) -> None:
        """Replace the whole content with `items` (e.g. streamed from the database)."""
        with self._lock:
            self._reset()
            ids: list[int] = []
            vecs: list[np.ndarray] = []
            for item_id, vec in items:
                ids.append(int(item_id))
                vecs.append(vec)
                if len(ids) >= chunk:
                    self.add(ids, np.stack(vecs) if vecs else np.zeros((0, self.dim)))
                    ids, vecs = [], []
            if ids:
                self.add(ids, np.stack(vecs))

    # --- snapshots -------------------------------------------------------------------------------------

    def save(self, folder: Path, meta: dict[str, object]) -> None:
        """Write the index to `folder` (graph, id map and `meta`). Each snapshot is a folder of its own
        and `current` a link switched to it in one rename, so a reader never sees half of one."""
        folder.mkdir(parents=True, exist_ok=True)
        snap = folder / f"snap-{time.time_ns()}-{os.getpid()}"
        snap.mkdir()
        with self._lock:
            faiss.write_index(self._index, str(snap / "index.faiss"))
            np.save(snap / "labels.npy", self._label_ids[: self._n_labels])
            np.save(snap / "live.npy", np.array(list(self._current.items()), dtype=np.int64).reshape(-1, 2))
            header = {"dim": self.dim, "hnsw": self._is_hnsw, "hnsw_m": self.hnsw_m, "meta": meta}
        (snap / "meta.json").write_text(json.dumps(header))
        link = folder / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(snap.name)
        os.replace(link, folder / "current")
        for old in folder.glob("snap-*"):
            if old != snap:
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, dim: int) -> tuple[VectorIndex, dict[str, object]] | None:
        """The index saved in `folder` and its meta, or None when there is none or it does not fit."""
        current = folder / "current"
        try:
            header = json.loads((current / "meta.json").read_text())
            if header["dim"] != dim:
                return None
            index = cls(dim, hnsw_m=header["hnsw_m"])
            raw = faiss.read_index(str(current / "index.faiss"))
            labels = np.load(current / "labels.npy")
            live = np.load(current / "live.npy")
        except (OSError, ValueError, KeyError, RuntimeError):  # absent, half-deleted or damaged
            return None
        if raw.d != dim or raw.ntotal != labels.size:
            return None
        index._index, index._is_hnsw = raw, bool(header["hnsw"])
        index._label_ids, index._n_labels = labels.astype(np.int64), int(labels.size)
        index._current = {int(i): int(label) for i, label in live.tolist()}
        return index, header["meta"]

    def ids(self) -> np.ndarray:
        """Every live id, in no particular order."""
        with self._lock:
            return np.fromiter(self._current.keys(), dtype=np.int64, count=len(self._current))

    def vector(self, item_id: int) -> np.ndarray | None:
        """The stored vector of `item_id`, or None when absent."""
        with self._lock:
            label = self._current.get(int(item_id))
            return None if label is None else self._index.reconstruct(label)

    # --- reading ---------------------------------------------------------------------------------------

    def search(
        self,
        vector: np.ndarray | Sequence[float],
        k: int = 10,
        *,
        allowed: Callable[[int], bool] | None = None,
    ) -> list[tuple[int, float]]:
        """The `k` most similar live ids (id, cosine), best first; `allowed(id)` filters candidates.

        A filter that rejects most rows makes the search widen its net until it finds `k` or has seen
        every row, so keep filters broad (e.g. "published in the last 14 days").
        """
        if k <= 0:
            return []
        query = self._as_matrix(vector)
        if query.shape[0] != 1:
            raise VectorIndexError("search takes one vector")
        with self._lock:
            total = self._index.ntotal
            if total == 0:
                return []
            # Dead rows are under half of the graph (compaction) so 2k usually suffices; a filter may
            # reject more, so start wider and widen 4x at a time when short.
            fetch = min(total, 2 * k + 8 if allowed is None else 4 * k + 16)
            while True:
                hits = self._search_raw(query, fetch)
                results: list[tuple[int, float]] = []
                seen: set[int] = set()
                for label, score in hits:
                    item_id = int(self._label_ids[label])
                    if self._current.get(item_id) != label or item_id in seen:
                        continue
                    if allowed is not None and not allowed(item_id):
                        continue
                    seen.add(item_id)
                    results.append((item_id, score))
                    if len(results) == k:
                        return results
                if fetch >= total or len(hits) < fetch:
                    return results
                fetch = min(total, fetch * 4)

    def _search_raw(self, query: np.ndarray, fetch: int) -> list[tuple[int, float]]:
        if self._is_hnsw:
            # The graph returns at most efSearch results, so widen it for large fetches.
            params = faiss.SearchParametersHNSW(efSearch=max(self.effective_ef_search, fetch))
            scores, labels = self._index.search(query, fetch, params=params)
        else:
            scores, labels = self._index.search(query, fetch)
        return [(int(lab), float(s)) for lab, s in zip(labels[0], scores[0], strict=True) if lab >= 0]
