"""The optional LLM configured from settings, and its grounded results as stored JSON.

`pipeline.ai.llm.LLMClient` talks to the server and drops every generated sentence its cited sources do
not support; here each kept sentence's citations (positions in the sentences given to the model) are
turned back into the outlets' sentences they stand for, with the call's latency and token counts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone

from newsdesk.pipeline.ai.llm import GroundedText, LLMClient, LLMError
from newsdesk.runtime.embedder import get_embedder

log = logging.getLogger(__name__)


def llm_configured() -> bool:
    return bool(settings.NEWSDESK_LLM_URL and settings.NEWSDESK_LLM_MODEL)


def llm_client() -> LLMClient | None:
    """A client for the configured server (the grounding check uses the site's embedder); None if unset."""
    if not llm_configured():
        return None
    return LLMClient(
        settings.NEWSDESK_LLM_URL,
        settings.NEWSDESK_LLM_MODEL,
        timeout=settings.NEWSDESK_LLM_TIMEOUT,
        embedder=get_embedder(),
    )


def _stored(result: GroundedText, cited: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "sentences": [
            {"text": s.text, "citations": [cited[c] for c in s.citations if 0 <= c < len(cited)]}
            for s in result.sentences
        ],
        "dropped": list(result.dropped),
        "model": result.model,
        "latency_s": round(result.latency_s, 3),
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "made_at": timezone.now().isoformat(),
    }


def rewrite(kind: str, cited: Sequence[dict[str, Any]], question: str = "") -> dict[str, Any] | None:
    """The LLM's grounded rewrite of ``cited`` (dicts with at least "text") as stored JSON.

    ``kind`` is "summary" or "answer". None when no LLM is configured; {"error": …} when the server
    failed (unreachable, timed out, unreadable reply): the caller keeps the extractive result.
    """
    client = llm_client()
    if client is None or not cited:
        return None
    texts = [str(c["text"]) for c in cited]
    started = time.perf_counter()
    try:
        with client:
            if kind == "answer":
                result = client.rewrite_answer(question, texts)
            else:
                result = client.rewrite_summary(texts)
    except LLMError as exc:
        log.warning("LLM %s rewrite failed: %s", kind, exc)
        return {
            "error": str(exc)[:500],
            "model": settings.NEWSDESK_LLM_MODEL,
            "latency_s": round(time.perf_counter() - started, 3),  # how long it took to fail
            "made_at": timezone.now().isoformat(),
        }
    return _stored(result, cited)
