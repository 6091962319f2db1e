import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsdesk.pipeline.ai.panel import ArticlePanel, explain_article
from newsdesk.pipeline.embeddings import HashingEmbedder
from newsdesk.pipeline.text.entities import load_nlp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="session")
def nlp() -> Any:
    return load_nlp()


@pytest.fixture(scope="session")
def embedder() -> HashingEmbedder:
    # The model-free embedder keeps the tests fast; benchmarks/ai.py measures the real model.
    return HashingEmbedder()


@pytest.fixture(scope="session")
def soyuz() -> dict[str, Any]:
    return json.loads((FIXTURES / "soyuz.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def soyuz_panel(soyuz: dict[str, Any], nlp: Any, embedder: HashingEmbedder) -> ArticlePanel:
    published = datetime.fromisoformat(soyuz["published"].replace("Z", "+00:00"))
    return explain_article(soyuz["title"], soyuz["text"], published, embedder=embedder, nlp=nlp)


@pytest.fixture(scope="session")
def psp_panel(nlp: Any, embedder: HashingEmbedder) -> ArticlePanel:
    psp = json.loads((FIXTURES / "psp.json").read_text(encoding="utf-8"))
    published = datetime.fromisoformat(psp["published"].replace("Z", "+00:00"))
    return explain_article(psp["title"], psp["text"], published, embedder=embedder, nlp=nlp)
