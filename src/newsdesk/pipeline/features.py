"""What story clustering and related articles know about one article, and the cheap text features behind it.

`ArticleFeatures` holds an article's unit vector, its names and its wording. Names come from NER when the
caller has it, else from capitalised-word sequences of title and lead (`entity_proxies`), a cheap proxy.
The wording is sublinear term counts of title and body (`sparse_terms`) and of its paragraph-sized
sections (`text_sections`), where a roundup reports each of its events.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import numpy as np

from newsdesk.pipeline.text.stopwords import (
    CAPITALISED_FILLERS,
    FUNCTION_WORDS,
    NAME_CONNECTORS,
    NAME_STOP_WORDS,
)

__all__ = [
    "SECTION_WORDS",
    "ArticleFeatures",
    "StoryError",
    "drop_contained_names",
    "entity_proxies",
    "sparse_terms",
    "text_sections",
    "title_terms",
]


class StoryError(ValueError):
    """Invalid input to story clustering (bad vector, naive/invalid date, unknown story)."""


# --- cheap text features ---------------------------------------------------------------------------------

# A word may hold inner dots ("U.S", "DQ.N") but never swallows a sentence's full stop.
_WORD = re.compile(r"[^\W\d_](?:[\w'’&-]|\.(?=\w))*|\d+[^\W\d_]+\w*", re.UNICODE)
_TERM = re.compile(r"\w\w+", re.UNICODE)
_SENT_END = re.compile(r"[.!?:;\"“”\n]\s*$")


def _clean_token(tok: str) -> str:
    tok = tok.strip(".-&'’")
    for suffix in ("'s", "’s"):
        if tok.endswith(suffix):
            tok = tok[: -len(suffix)]
    return tok


def _is_cap(tok: str) -> bool:
    return bool(tok) and tok[0].isupper()


def _is_title_case(title: str) -> bool:
    """Headline Style Capitalises Nearly Every Word: then capitals say nothing about names."""
    words = [w for w in _WORD.findall(title) if len(w) >= 4 and w.isalpha()]
    return len(words) >= 3 and sum(_is_cap(w) for w in words) / len(words) >= 0.75


def _phrases(text: str, lowercase_vocab: set[str]) -> list[str]:
    phrases: list[str] = []
    current: list[str] = []
    pending: list[str] = []  # connectors seen after a capitalised word, kept only if another follows
    sentence_start = True
    last_end = 0

    def flush() -> None:
        nonlocal current
        while current and current[0].lower() in CAPITALISED_FILLERS:
            current = current[1:]
        if current:
            phrases.append(" ".join(current))
        current = []

    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()]
        last_end = m.end()
        if current and (gap.strip(" ") not in ("", "-") or _SENT_END.search(gap)):
            flush()
            pending = []
        if _SENT_END.search(gap) or m.start() == 0:
            sentence_start = True
        tok = _clean_token(m.group())
        if not tok:
            continue
        if _is_cap(tok) or (tok.isupper() and len(tok) >= 2):
            # A lone sentence-initial word is a name only if the text never uses it in lower case.
            if sentence_start and not current and tok.lower() in lowercase_vocab:
                sentence_start = False
                continue
            current.extend(pending)
            pending = []
            current.append(tok)
        elif current and tok.lower() in NAME_CONNECTORS and not pending:
            pending = [tok]
        else:
            flush()
            pending = []
        sentence_start = False
    flush()
    return phrases


def entity_proxies(title: str, text: str, max_words: int = 200) -> frozenset[str]:
    """Capitalised-word sequences from title and lead: a cheap stand-in for named entities (no NER)."""
    lead = " ".join((text or "").split()[:max_words])
    lowercase_vocab = {w for w in _WORD.findall(lead + " " + (title or "")) if w.islower()}
    found: list[str] = []
    if title and not _is_title_case(title):
        found += _phrases(title, lowercase_vocab)
    found += _phrases(lead, lowercase_vocab)
    out = {p for p in found if len(p) >= 2 and p.lower() not in NAME_STOP_WORDS}
    return frozenset(out)


def title_terms(title: str) -> frozenset[str]:
    """Lower-cased content words of a title (what the headline is about)."""
    words = (_clean_token(w).lower() for w in _WORD.findall(title or ""))
    return frozenset(w for w in words if len(w) >= 3 and w not in NAME_STOP_WORDS)


def sparse_terms(title: str, text: str) -> dict[str, float]:
    """Sublinear term frequencies (1 + ln tf) of title and body; title words count twice, since the
    headline names the event."""
    counts: Counter[str] = Counter()
    for weight, chunk in ((2, title or ""), (1, text or "")):
        for term in _TERM.findall(chunk.lower()):
            if term not in FUNCTION_WORDS:
                counts[term] += weight
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


# A sentence ends at . ! ? (or a closing quote after one) followed by space and a capital, digit or quote.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?”\"])\s+(?=[“\"A-Z0-9])")
SECTION_WORDS = 60


def text_sections(text: str, min_words: int = SECTION_WORDS) -> list[str]:
    """The body cut into runs of whole sentences of at least `min_words` words (paragraph-sized): the unit
    in which a roundup reports each of its items. A short tail joins the section before it; a text too
    short for two sections gives none (the whole article is its only section)."""
    out: list[str] = []
    current: list[str] = []
    words = 0
    for paragraph in (text or "").split("\n"):
        for sentence in _SENTENCE_BREAK.split(paragraph):
            if not sentence.strip():
                continue
            current.append(sentence.strip())
            words += len(sentence.split())
            if words >= min_words:
                out.append(" ".join(current))
                current, words = [], 0
    if current:
        if out and words < min_words / 2:
            out[-1] += " " + " ".join(current)
        else:
            out.append(" ".join(current))
    return out if len(out) >= 2 else []


# An initialism whose closing full stop _WORD leaves off ("U.S" of "U.S. astronauts"): the stored
# name stays as found (it is a match key), a reader is shown it as written.
_CUT_INITIALISM = re.compile(r"(?:\b[A-Z]\.)+[A-Z]$")


def shown_name(name: str) -> str:
    """A name from `entity_proxies` as a reader should see it ("U.S." rather than "U.S")."""
    return name + "." if _CUT_INITIALISM.search(name) else name


def drop_contained_names(names: Iterable[str]) -> list[str]:
    """`names` in their order, less each one contained (case-insensitively) in a name kept before it;
    given longest first, "Eco Wave" goes when "Eco Wave Power" is there."""
    kept: list[str] = []
    for name in names:
        if not any(name.lower() in k.lower() for k in kept):
            kept.append(name)
    return kept


def _entity_keys(entities: Iterable[str]) -> frozenset[str]:
    """Match keys: each entity, and each significant word of a multi-word entity ("Eco Wave Power" →
    "eco wave power", "eco", "wave", "power"), so partial mentions ("Eco Wave") still meet."""
    keys: set[str] = set()
    for ent in entities:
        low = ent.lower().strip()
        if not low:
            continue
        keys.add(low)
        parts = low.split()
        if len(parts) > 1:
            keys.update(p for p in parts if (len(p) >= 3 or p.isalnum()) and p not in NAME_STOP_WORDS)
    return frozenset(keys)


# --- data ----------------------------------------------------------------------------------------------


def aware_datetime(dt: datetime) -> datetime:
    if not isinstance(dt, datetime):
        raise StoryError(f"published must be a datetime, not {type(dt).__name__}")
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


@dataclass(eq=False)
class ArticleFeatures:
    """What clustering needs to know about one article. Naive datetimes are taken as UTC; when no
    entities are given, capitalised-word proxies from the title and lead are used instead."""

    id: str
    title: str
    text: str
    source: str
    published: datetime
    vector: np.ndarray
    entities: frozenset[str] = frozenset()
    near_duplicate_of: str | None = None
    keys: frozenset[str] = field(init=False, repr=False)
    terms: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.published = aware_datetime(self.published)
        try:
            vec = np.asarray(self.vector, dtype=np.float32).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise StoryError(f"article {self.id}: vector is not numeric") from exc
        norm = float(np.linalg.norm(vec)) if vec.size else 0.0
        if vec.size == 0 or not math.isfinite(norm) or norm == 0.0:
            raise StoryError(f"article {self.id}: vector is empty, zero or not finite")
        self.vector = vec / norm
        if not self.entities:
            self.entities = entity_proxies(self.title, self.text)
        else:
            self.entities = frozenset(self.entities)
        self.keys = _entity_keys(self.entities)
        self.terms = title_terms(self.title)

    # The wording terms are computed on first use: clustering needs them, related articles do not.
    @cached_property
    def term_counts(self) -> dict[str, float]:
        return sparse_terms(self.title, self.text)

    @cached_property
    def section_counts(self) -> tuple[dict[str, float], ...]:
        return tuple(sparse_terms("", sec) for sec in text_sections(self.text))

    @cached_property
    def words(self) -> int:
        """Words of title + text: how much there is to compare (a feed teaser has ~30, a report ~400)."""
        return len(self.title.split()) + len(self.text.split())
