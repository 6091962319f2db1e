"""The reader with the real MiniLM embedder (the other reader tests use the hashing one): the fixtures'
answers and refusals hold with the model the site runs, whose cosines the thresholds were set on."""

import json
from datetime import datetime
from typing import Any

import pytest

from newsdesk.pipeline.ai.panel import ArticlePanel, explain_article
from newsdesk.pipeline.embeddings import MiniLMEmbedder

from .conftest import FIXTURES


def _panel(name: str, nlp: Any, model: MiniLMEmbedder) -> ArticlePanel:
    doc = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    published = datetime.fromisoformat(doc["published"].replace("Z", "+00:00"))
    return explain_article(doc["title"], doc["text"], published, embedder=model, nlp=nlp)


@pytest.fixture(scope="module")
def soyuz_minilm(nlp: Any, model: MiniLMEmbedder) -> ArticlePanel:
    return _panel("soyuz.json", nlp, model)


@pytest.fixture(scope="module")
def psp_minilm(nlp: Any, model: MiniLMEmbedder) -> ArticlePanel:
    return _panel("psp.json", nlp, model)


def test_soyuz_answers_and_refusals_hold_with_minilm(
    soyuz_minilm: ArticlePanel, model: MiniLMEmbedder
) -> None:
    a = soyuz_minilm.ask("When will the crew return?", embedder=model)
    assert a.answerable and "December 9" in a.sentences[0].text
    for q in ("What did the crew eat for breakfast?", "How much did the launch cost?"):
        assert not soyuz_minilm.ask(q, embedder=model).answerable, q


def test_psp_absence_is_the_answer_with_minilm(psp_minilm: ArticlePanel, model: MiniLMEmbedder) -> None:
    a = psp_minilm.ask("When will the PSP go on sale in Europe?", embedder=model)
    assert a.answerable and any(
        s.text.startswith("There is no date for the PSP's release in Europe") for s in a.sentences
    )
    assert not psp_minilm.ask("What did the buyers eat for breakfast?", embedder=model).answerable
