"""Keyphrases (YAKE, unsupervised and offline) and the hashtags derived from them."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Keyphrase", "extract_keyphrases", "hashtags"]

_INNER_STOPWORD = re.compile(r"\s(?:to|of|in|on|at|for|and|the|a|an|by|with|from)\s", re.IGNORECASE)
# Words that make a keyphrase a poor hashtag: a day or month ("GMTV's Sunday programme" gave
# #GMTVSunday) and an office ("the Trade and Industry Secretary" gave #IndustrySecretary).
_DATE_WORDS = frozenset(
    [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "june", "july", "august", "september", "october", "november",
        "december",
    ]
)  # fmt: skip
_OFFICES = frozenset(
    [
        "secretary", "minister", "chancellor", "spokesman", "spokeswoman", "spokesperson", "chairman",
        "chairwoman", "chair", "chief", "president", "director", "leader",
    ]
)  # fmt: skip
_MAX_CHARS = 20_000  # YAKE is quadratic-ish in candidates; the opening of an article carries its topics


@dataclass(frozen=True, slots=True)
class Keyphrase:
    """A keyphrase and its YAKE score (lower is more relevant)."""

    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_local = threading.local()


def _extractor(top: int, max_words: int) -> Any:
    key = (top, max_words)
    cache = getattr(_local, "extractors", None)
    if cache is None:
        cache = _local.extractors = {}
    if key not in cache:
        import yake

        cache[key] = yake.KeywordExtractor(lan="en", n=max_words, dedupLim=0.7, top=top)
    return cache[key]


def extract_keyphrases(text: str, *, top: int = 10, max_words: int = 3) -> list[Keyphrase]:
    """The ``top`` keyphrases of an English text, most relevant first."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text.strip():
        return []
    found = _extractor(top, max_words).extract_keywords(text[:_MAX_CHARS])
    return [Keyphrase(str(k), float(s)) for k, s in found]


def _tag(phrase: str) -> str:
    words = re.findall(r"[^\W_]+", phrase)
    return "#" + "".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words) if words else ""


def _cuts_a_name(words: Sequence[str], names: Iterable[Sequence[str]]) -> bool:
    """Whether the phrase holds part of a person's name but not all of it: "Secretary Patricia" of
    "Trade and Industry Secretary Patricia Hewitt" is neither a topic nor the person; nor is "Blair
    Pledges" (a surname and the headline's verb)."""
    have = set(words)
    return any(have & set(name) and not set(name) <= have for name in names)


def hashtags(
    keyphrases: Iterable[Keyphrase | str],
    *,
    entities: Sequence[str] = (),
    people: Sequence[str] = (),
    limit: int = 5,
) -> list[str]:
    """CamelCase hashtags from keyphrases (entity names first), without duplicates or pure numbers.
    `people`: the full names of the people the text mentions; a keyphrase that cuts one is no hashtag."""
    out: list[str] = []
    seen: set[str] = set()
    cut = [n.lower().split() for n in people]
    for item in [*entities, *keyphrases]:
        phrase = item.text if isinstance(item, Keyphrase) else str(item)
        if _INNER_STOPWORD.search(phrase):
            continue  # "flew to Washington" reads badly as #FlewToWashington
        words = phrase.lower().split()
        if not words:
            continue
        if item not in entities and (
            _cuts_a_name(words, cut) or _DATE_WORDS & set(words) or words[-1] in _OFFICES
        ):
            continue
        tag = _tag(phrase)
        key = tag[1:].lower()
        if len(tag) < 3 or key.isdigit() or key in seen or any(key in s or s in key for s in seen):
            continue
        seen.add(key)
        out.append(tag)
        if len(out) >= limit:
            break
    return out
