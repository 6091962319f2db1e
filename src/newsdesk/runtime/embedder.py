"""The process-wide embedder configured from settings (one model load per process)."""

from __future__ import annotations

import threading

import numpy as np
from django.conf import settings

from newsdesk.pipeline.embeddings import Embedder, get_default_embedder

_lock = threading.Lock()
_embedder: Embedder | None = None
_embedder_kind: tuple[str, int] | None = None


def get_embedder() -> Embedder:
    """The embedder `NEWSDESK_EMBEDDER` names ("minilm", "minilm-onnx" or "hashing"), one per process."""
    global _embedder, _embedder_kind
    with _lock:
        # Built once per process, again only if the settings changed (tests switch them).
        wanted = (settings.NEWSDESK_EMBEDDER, settings.NEWSDESK_EMBED_MAX_TOKENS)
        if _embedder is None or _embedder_kind != wanted:
            _embedder_kind = wanted
            _embedder = get_default_embedder(
                settings.NEWSDESK_HOME / "models", kind=wanted[0], max_seq_length=wanted[1]
            )
        return _embedder


def reset_embedder() -> None:
    """Forget the embedder (loaded again on next use): `newsdesk reindex`, tests."""
    global _embedder, _embedder_kind
    with _lock:
        _embedder = _embedder_kind = None


def embedder_name() -> str:
    """The name of the embedder in use, stored beside vectors it made (another embedder's are stale)."""
    return str(getattr(get_embedder(), "name", ""))


def stored_matrix(blob: bytes | memoryview | None, made_by: str, rows: int) -> np.ndarray | None:
    """Vectors stored as float32 bytes, one row per item: None when there are none, when another
    embedder made them, or when they do not divide into `rows` rows (the items changed since)."""
    if not blob or rows <= 0 or made_by != embedder_name():
        return None
    vectors = np.frombuffer(bytes(blob), dtype=np.float32)
    return vectors.reshape(rows, -1) if vectors.size % rows == 0 else None
