"""Key facts: sentences that carry numbers, money, percentages, dates or a quote by a named speaker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsdesk.pipeline.text.dates import TimeExpression
from newsdesk.pipeline.text.entities import Mention
from newsdesk.pipeline.text.sentences import Sentence

__all__ = ["Fact", "fact_kinds", "key_facts"]

MONEY = re.compile(
    r"(?:[$£€¥]\s?\d[\d,.]*\s*(?:bn|m|k|billion|million|trillion|thousand)?\b"
    r"|\b\d[\d,.]*\s*(?:bn|m)?\s*(?:dollars|euros|pounds|yen|roubles|rubles|yuan|rupees)\b)",
    re.IGNORECASE,
)
PERCENT = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:%|per\s?cent\b|percent\b|percentage points?\b)", re.IGNORECASE)
NUMBER = re.compile(
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:million|billion|thousand|hundred|bn|m|km|kg))?\b"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds|thousands|millions)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“][^\"”]{12,}[\"”]")
_SAID = re.compile(
    r"\b(?:said|says|told|added|according to|stated|warned|announced|insisted|claimed)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Fact:
    """A key-fact sentence: what it holds (``kinds``), who said it for quotes, and its citation."""

    text: str
    sentence_index: int
    kinds: tuple[str, ...]
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fact_kinds(text: str, times: Sequence[TimeExpression] = (), offset: int = 0) -> list[str]:
    """What kinds of fact a sentence states: 'money', 'percent', 'number', 'date', 'quote'."""
    kinds = []
    if MONEY.search(text):
        kinds.append("money")
    if PERCENT.search(text):
        kinds.append("percent")
    spans = [(t.start - offset, t.end - offset) for t in times]
    for m in NUMBER.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):  # "9" in "December 9" is a date, not a count
            kinds.append("number")
            break
    if times:
        kinds.append("date")
    if _QUOTE.search(text) or (_SAID.search(text) and ('"' in text or "“" in text)):
        kinds.append("quote")
    return kinds


def key_facts(
    sentences: Sequence[Sentence],
    times: Sequence[TimeExpression] = (),
    mentions: Sequence[Mention] = (),
    *,
    limit: int = 6,
) -> list[Fact]:
    """Up to ``limit`` fact sentences in article order: the richest first, the earlier on a tie."""
    by_sentence: dict[int, list[TimeExpression]] = {}
    for t in times:
        if t.sentence_index is not None:
            by_sentence.setdefault(t.sentence_index, []).append(t)
    people: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.kind in ("person", "organisation") and m.sentence_index is not None:
            people.setdefault(m.sentence_index, []).append(m)
    scored: list[tuple[float, Fact]] = []
    for s in sentences:
        if len(s.text.split()) < 6:
            continue
        kinds = fact_kinds(s.text, by_sentence.get(s.index, ()), s.start)
        speaker = None
        if "quote" in kinds:
            speakers = people.get(s.index, [])
            if speakers:
                speaker = speakers[0].text
            elif not _SAID.search(s.text):
                kinds.remove("quote")  # a quotation with nobody saying it is not a who-said-what fact
        if not kinds:
            continue
        weight = {"money": 1.5, "percent": 1.5, "number": 1.0, "date": 1.0, "quote": 1.2}
        score = sum(weight[k] for k in kinds) + 1.0 / (1 + s.index) ** 0.5
        scored.append((score, Fact(s.text, s.index, tuple(kinds), speaker)))
    best = sorted(scored, key=lambda x: (-x[0], x[1].sentence_index))[:limit]
    return sorted((f for _, f in best), key=lambda f: f.sentence_index)
