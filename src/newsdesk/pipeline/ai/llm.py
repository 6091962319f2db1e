"""Optional LLM rewriting of summaries and answers, through any OpenAI-compatible server, grounded.

The model sees only the cited sentences, numbered, and is asked to cite them as [n]. Every generated
sentence then passes a grounding check against the sentences it cites (all of them when it cites none):
each number it states must appear in them, enough of its content words must too, and — when an embedder
is given — its embedding must be close to one of them. Sentences that fail are dropped and reported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import numpy as np

from newsdesk.pipeline.ai.summary import CitedSentence
from newsdesk.pipeline.embeddings import Embedder
from newsdesk.pipeline.text.sentences import split_sentences
from newsdesk.pipeline.text.terms import terms

__all__ = [
    "GroundedSentence",
    "GroundedText",
    "LLMClient",
    "LLMError",
    "LLMResponseError",
    "LLMUnavailableError",
    "ground",
]

MIN_WORD_SUPPORT = 0.6
MIN_SIMILARITY = 0.5
_CITATION = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class LLMError(Exception):
    """Base class of this module's errors."""


class LLMUnavailableError(LLMError):
    """The server could not be reached, timed out, or answered with an HTTP error."""


class LLMResponseError(LLMError):
    """The server answered, but not with a chat completion this client can read."""


@dataclass(frozen=True, slots=True)
class GroundedSentence:
    text: str
    citations: tuple[int, ...]  # positions in the sources given to the model (0-based)


@dataclass
class GroundedText:
    """The kept sentences with their citations, the dropped ones, and what the call cost."""

    sentences: list[GroundedSentence]
    dropped: list[str] = field(default_factory=list)
    model: str = ""
    latency_s: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def ground(
    generated: str, sources: Sequence[str], *, embedder: Embedder | None = None
) -> tuple[list[GroundedSentence], list[str]]:
    """Split ``generated`` into sentences; keep those their cited ``sources`` support. (kept, dropped)"""
    kept: list[GroundedSentence] = []
    dropped: list[str] = []
    pieces = [s.text for s in split_sentences(generated)]
    src_vecs = embedder.embed(list(sources)) if embedder is not None and sources else None
    for piece in pieces:
        cites = tuple(sorted({int(n) - 1 for m in _CITATION.finditer(piece) for n in m.group(1).split(",")}))
        text = _CITATION.sub("", piece).strip()
        if not text:
            continue
        valid = tuple(c for c in cites if 0 <= c < len(sources)) or tuple(range(len(sources)))
        cited = [sources[c] for c in valid]
        joined = " ".join(cited)
        ok = bool(cited) and _numbers(text) <= _numbers(joined)
        words = set(terms(text))
        if ok and words:
            ok = len(words & set(terms(joined))) / len(words) >= MIN_WORD_SUPPORT
        if ok and src_vecs is not None and embedder is not None:
            v = embedder.embed([text])[0]
            ok = float(np.max(src_vecs[list(valid)] @ v)) >= MIN_SIMILARITY
        if ok:
            kept.append(GroundedSentence(text, valid))
        else:
            dropped.append(text)
    return kept, dropped


class LLMClient:
    """A client for ``POST {base_url}/v1/chat/completions`` (Ollama, vLLM, llama.cpp server, …)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        embedder: Embedder | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self.embedder = embedder
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _chat(self, system: str, user: str, max_tokens: int) -> tuple[str, dict[str, Any], float]:
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0.0,
            "max_tokens": max_tokens,
        }
        t0 = time.perf_counter()
        try:
            r = self._client.post(f"{self.base_url}/v1/chat/completions", json=body)
            r.raise_for_status()
            data = r.json()
        except httpx.HTTPStatusError as exc:
            raise LLMUnavailableError(f"LLM server answered HTTP {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            raise LLMUnavailableError(f"LLM server unreachable: {exc}") from exc
        except ValueError as exc:
            raise LLMResponseError("LLM server answered with something that is not JSON") from exc
        latency = time.perf_counter() - t0
        try:
            content = data["choices"][0]["message"]["content"]
            if not isinstance(content, str):
                raise TypeError("content is not a string")
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMResponseError(f"not a chat completion: {exc}") from exc
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        return content, usage, latency

    def _run(self, instruction: str, sources: Sequence[CitedSentence | str], max_tokens: int) -> GroundedText:
        texts = [s.text if isinstance(s, CitedSentence) else str(s) for s in sources]
        if not texts:
            return GroundedText([], model=self.model)
        numbered = "\n".join(f"[{i + 1}] {t}" for i, t in enumerate(texts))
        system = (
            "You rewrite news text using ONLY the numbered source sentences. Do not add facts, names or "
            "numbers that are not in them. "
            "End every sentence with the numbers of its sources, like [1] or [2, 3]."
        )
        content, usage, latency = self._chat(system, f"{instruction}\n\nSources:\n{numbered}", max_tokens)
        kept, dropped = ground(content, texts, embedder=self.embedder)

        def tokens(key: str) -> int | None:
            v = usage.get(key)
            return v if isinstance(v, int) else None

        return GroundedText(
            kept, dropped, self.model, latency, tokens("prompt_tokens"), tokens("completion_tokens")
        )

    def rewrite_summary(
        self, sentences: Sequence[CitedSentence | str], *, max_tokens: int = 300
    ) -> GroundedText:
        """A fluent summary of the cited ``sentences``; unsupported generated sentences are dropped."""
        return self._run("Write a short, neutral summary (at most 4 sentences).", sentences, max_tokens)

    def rewrite_answer(
        self, question: str, sentences: Sequence[CitedSentence | str], *, max_tokens: int = 200
    ) -> GroundedText:
        """A direct answer to ``question`` from the cited ``sentences`` only."""
        q = " ".join(question.split())[:500]
        return self._run(f"Answer the question in one or two sentences: {q}", sentences, max_tokens)
