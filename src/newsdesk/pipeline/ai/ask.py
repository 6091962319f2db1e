"""Answering a reader's question from cited sentences, or refusing when the sources do not say.

Ranking is a hybrid of a BM25-style lexical score and embedding similarity. The question's type adds a
hard check: "when" needs a date or time in the sentence, "how many/much" a number (money for costs),
"who" a person or organisation, "where" a place. When no sentence passes the check, or the best one
covers too little of what the question asks about, the answer is a refusal: "not in the sources".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from newsdesk.pipeline.ai.facts import MONEY, NUMBER, PERCENT
from newsdesk.pipeline.embeddings import Embedder
from newsdesk.pipeline.text.dates import find_time_expressions, period_start
from newsdesk.pipeline.text.terms import STOP_WORDS, TOKEN, stem, terms

__all__ = ["Answer", "Passage", "answer", "question_type", "suggested_questions"]

NOT_IN_SOURCES = "not in the sources"
W_LEXICAL = 0.55
W_EMBEDDING = 0.45
MIN_COVERAGE = 0.5  # share of the question's (idf-weighted) content words the best sentence must contain
MIN_SCORE = 0.35
MIN_SIMILARITY = 0.55
MIN_FOCUS_SIMILARITY = 0.7  # a paraphrase this close may skip the focus-word check
MIN_STANDOUT = 1.5  # z-score of the best sentence's score among the article's sentences
MIN_STANDOUT_PASSAGES = 8  # fewer sentences give no stable mean and spread
_BM25_K1, _BM25_B = 1.2, 0.75

_STOP = STOP_WORDS
_TOKEN = TOKEN
_stem = stem
_terms = terms


def _focus_terms(question: str) -> set[str]:
    """The question's content words that are not names (lower case, not its first word)."""
    words = _TOKEN.findall(question)[1:]
    return {_stem(w) for w in words if w[:1].islower() and w.lower() not in _STOP}


_AUX = r"(?:did|does|do|will|would|could|should|might|may|can|has|have|had|is|was|are|were)"
# "What did the Senate (probably) do / think / say …": the doer or opinion holder, and what the opinion is of.
_DOER = re.compile(
    rf"^\s*what\s+{_AUX}\s+(?P<who>.+?)\s+(?:probably\s+|likely\s+|really\s+)?"
    r"(?P<verb>think|believe|feel|say|want|expect|hope|plan|do|make|decide|propose)\b"
    r"(?:\s+(?:of|about|on|regarding|towards?)\s+(?P<topic>.+))?",
    re.IGNORECASE,
)
_TOPIC_END = re.compile(
    r"[,;?]|\s(?:after|before|when|while|since|regarding|following|during|because|if|that|which|who)\s",
    re.IGNORECASE,
)
_GOVERNING = frozenset(
    {"to", "for", "with", "against", "on", "at", "into", "onto", "from", "of", "about", "urged", "asked"}
    | {"told", "pressed", "called", "informing", "blamed"}
)
# "Which country contributes the most …": a ranking needs a sentence that ranks.
_SUPERLATIVE_Q = re.compile(
    r"\b(?:most|least|largest|biggest|highest|lowest|greatest|smallest|fewest)\b(?!\s+(?:probable|likely))",
    re.IGNORECASE,
)
_SUPERLATIVE = re.compile(
    r"\b(?:most|least|largest|biggest|highest|lowest|greatest|smallest|fewest|top|leading|record|"
    r"more\s+than\s+any|\w+est)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she|they|it|his|her|their|its|him|them)\b", re.IGNORECASE)


def _as_doer(head: str, text: str) -> bool:
    """Whether ``head`` (a stem) occurs in ``text`` other than as what a verb or preposition governs:
    "officials pressed Congress to act" says nothing Congress did."""
    words = TOKEN.findall(text)
    for k, w in enumerate(words):
        if stem(w) != head:
            continue
        before = words[k - 1] if k else ""
        governed = before.islower() and (before in _GOVERNING or before.endswith(("ed", "ing")))
        if not governed:
            return True
    return False


def _doer(question: str) -> tuple[list[str], list[str]]:
    """The stems naming who a "what did X do/think" question is about, and what X's opinion is of."""
    m = _DOER.match(question)
    if not m:
        return [], []
    who = _terms(m.group("who"))
    topic = ""
    if m.group("verb").lower() not in ("do", "make") and m.group("topic"):
        # the thing itself, not the clause after it ("the FBI after the reports came out" → "the FBI")
        topic = _TOPIC_END.split(m.group("topic"), maxsplit=1)[0]
    return who, _terms(topic)


@dataclass(frozen=True)
class Passage:
    """A candidate answer sentence with its citation and what it mentions (detected when left None)."""

    text: str
    sentence_index: int
    article_id: str | None = None
    source: str | None = None
    entity_kinds: frozenset[str] | None = None
    has_time: bool | None = None


@dataclass(frozen=True)
class Answer:
    """An answer: the cited sentences that support it, or ``answerable=False`` with the reason."""

    answerable: bool
    sentences: list[Passage] = field(default_factory=list)
    confidence: float = 0.0
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for s in d["sentences"]:
            s["entity_kinds"] = sorted(s["entity_kinds"]) if s["entity_kinds"] is not None else None
        return d


def question_type(question: str) -> str | None:
    """'time', 'money', 'number', 'agent', 'place', 'opinion' or None (any sentence may answer)."""
    q = question.lower().strip()
    if re.match(
        r"(?:when|what time|what date|what day|which (?:day|year|month|date)|in what year|by when)\b", q
    ):
        return "time"
    if re.match(r"how much\b", q) and re.search(
        r"\b(?:cost|price|pay|paid|spend|spent|worth|money|fund|budget|fine)", q
    ):
        return "money"
    if re.match(
        r"(?:how (?:many|much|old|far|big|large|long|high)|what (?:percentage|share|number|proportion))\b", q
    ):
        return "number"
    if re.match(r"(?:who|whom|whose|which (?:company|organi[sz]ation|person|agency|country))\b", q):
        return "agent"
    if re.match(r"where\b", q):
        return "place"
    if re.match(r"what (?:did|does|do|will|would)\b.*\b(?:think|believe|feel|say|want)", q):
        return "opinion"
    return None


# What someone thinks is only in the sources when they are reported saying or showing it.
_OPINION = re.compile(
    r"[\"“”]|\b(?:said|says|say|told|thinks?|believes?|feels?|wants?|argued?|argues|criticized|criticised|"
    r"praised|welcomed|called|warned|according to|wrote|tweeted|insisted|added)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


def _fits(kind: str | None, p: Passage, published: datetime | None) -> bool:
    if kind is None:
        return True
    text = p.text
    if kind == "time":
        if p.has_time is not None:
            return p.has_time
        return bool(find_time_expressions(text, published or datetime(2000, 1, 1)))
    if kind == "money":
        return bool(MONEY.search(text))
    if kind == "opinion":
        return bool(_OPINION.search(text))
    if kind == "number":
        return bool(NUMBER.search(text) or PERCENT.search(text) or MONEY.search(text))
    if p.entity_kinds is not None:
        if kind == "agent":
            return bool(p.entity_kinds & {"person", "organisation"})
        return "place" in p.entity_kinds
    return bool(_CAPITALISED.search(text))  # no NER at hand: a proper name somewhere after the first word


def _standout(scores: np.ndarray, best: int) -> float | None:
    """How many standard deviations the best sentence's score lies above the article's mean (None when
    there are too few sentences to tell)."""
    if len(scores) < MIN_STANDOUT_PASSAGES:
        return None
    spread = float(scores.std())
    return (float(scores[best]) - float(scores.mean())) / spread if spread > 0 else 0.0


def answer(
    question: str,
    passages: Sequence[Passage | str],
    *,
    embedder: Embedder | None = None,
    embeddings: np.ndarray | None = None,
    published: datetime | None = None,
    max_sentences: int = 2,
    min_standout: float = MIN_STANDOUT,
) -> Answer:
    """Answer ``question`` from ``passages`` (strings are cited by position), or refuse.

    ``embeddings`` may hold the passages' unit vectors already computed by ``embedder``; without an
    embedder the ranking is lexical only. Raises TypeError for a question that is not a string.
    """
    if not isinstance(question, str):
        raise TypeError(f"question must be str, not {type(question).__name__}")
    items = [p if isinstance(p, Passage) else Passage(str(p), i) for i, p in enumerate(passages)]
    q_terms = list(dict.fromkeys(_terms(question)))
    if not question.strip() or not items:
        return Answer(False, [], 0.0, NOT_IN_SOURCES)
    if not q_terms:
        return Answer(False, [], 0.0, "the question names nothing to look for")

    docs = [_terms(p.text) for p in items]
    n = len(docs)
    df = Counter(t for d in docs for t in set(d))
    idf = {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in q_terms}
    total_idf = sum(idf.values()) or 1.0
    avg_len = sum(len(d) for d in docs) / n or 1.0
    lexical = np.zeros(n, dtype=np.float32)
    coverage = np.zeros(n, dtype=np.float32)
    for i, d in enumerate(docs):
        tf = Counter(d)
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * len(d) / avg_len)
        lexical[i] = sum(idf[t] * tf[t] * (_BM25_K1 + 1) / (tf[t] + norm) for t in q_terms if t in tf)
        coverage[i] = sum(idf[t] for t in q_terms if t in tf) / total_idf
    lexical = lexical / (lexical.max() or 1.0)

    sim = np.zeros(n, dtype=np.float32)
    if embedder is not None:
        if embeddings is None:
            embeddings = embedder.embed([p.text for p in items])
        q = embedder.embed([question])[0]
        sim = np.clip(np.asarray(embeddings, dtype=np.float32) @ q, 0.0, 1.0)
        scores = W_LEXICAL * (0.5 * lexical + 0.5 * coverage) + W_EMBEDDING * sim
    else:
        scores = 0.5 * lexical + 0.5 * coverage

    kind = question_type(question)
    fits = np.array([_fits(kind, p, published) for p in items])
    if not fits.any():
        what = {"time": "a date or time", "money": "an amount of money", "number": "a number",
                "agent": "a person or organisation", "place": "a place",
                "opinion": "what anyone said or thinks"}[kind or "place"]  # fmt: skip
        return Answer(False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence gives {what}")
    if _SUPERLATIVE_Q.search(question):
        fits &= np.array([bool(_SUPERLATIVE.search(p.text)) for p in items])
        if not fits.any():
            return Answer(False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence ranks what is asked")
    # What X did or thinks is only in a sentence that names X (or refers back to X named just before),
    # and an opinion of Y only where Y is named too: matching the rest of the question is not enough.
    who, topic = _doer(question)
    if who:
        for i, d in enumerate(docs):
            named = (set(who) <= set(d) and _as_doer(who[-1], items[i].text)) or (
                i > 0 and set(who) <= set(docs[i - 1]) and bool(_PRONOUN.search(items[i].text[:60]))
            )
            about = not topic or len(set(topic) & set(d)) * 2 >= len(set(topic))
            fits[i] = fits[i] and named and about
        if not fits.any():
            return Answer(
                False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence says what {' '.join(who)} did or thinks"
            )
    ranked = [i for i in np.argsort(-scores, kind="stable") if fits[i]]
    best = ranked[0]
    # Enough of the question's words, or a weaker lexical match the embedding vouches for (paraphrase);
    # and when the question asks about something besides names ("how old", "breakfast"), the sentence
    # must name at least one of those things: matching only the names is how unanswerable questions pass.
    supported = coverage[best] >= MIN_COVERAGE or (coverage[best] >= 0.25 and sim[best] >= MIN_SIMILARITY)
    focus = _focus_terms(question)
    if focus and len(focus & set(docs[best])) < len(focus) / 2 and sim[best] < MIN_FOCUS_SIMILARITY:
        supported = False
    if not supported or scores[best] < MIN_SCORE:
        return Answer(False, [], float(scores[best]), f"{NOT_IN_SOURCES}: no sentence is about what is asked")
    # Calibrated per article: a question about the article's topic but not answered by it resembles many
    # sentences a little; an answered one has a sentence that stands out from the rest.
    standout = _standout(scores, best)
    if standout is not None and standout < min_standout:
        return Answer(
            False, [], float(scores[best]), f"{NOT_IN_SOURCES}: no sentence stands out as the answer"
        )
    chosen = [best] + [
        i
        for i in ranked[1:max_sentences]
        if scores[i] >= 0.9 * scores[best] and coverage[i] >= coverage[best]
    ]
    confidence = float(min(1.0, scores[best] * (0.5 + 0.5 * coverage[best])))
    return Answer(True, [items[i] for i in sorted(chosen)], round(confidence, 3), "")


def suggested_questions(panel: Any, *, limit: int = 4) -> list[str]:
    """Questions the article can answer, from its timeline, entities and facts (an ArticlePanel)."""
    out: list[str] = []
    published = getattr(panel, "published", None)
    ref = period_start(published.date().isoformat()) if isinstance(published, datetime) else None
    for e in getattr(panel, "timeline", [])[:6]:
        if e.granularity in ("day", "month", "year") and (
            e.expression[:1].isupper() or e.expression[:1].isdigit()
        ):
            future = ref is not None and period_start(e.value) > ref
            verb = "will happen" if future else "happened"
            prep = "in" if e.granularity == "year" else "on"
            out.append(f"What {verb} {prep} {e.expression}?")
            break
    people = getattr(panel, "people", [])
    if people:
        out.append(f"Who is {people[0].name}?")
    places = getattr(panel, "places", [])
    if places:
        out.append(f"What happened in {places[0].name}?")
    facts = getattr(panel, "key_facts", [])
    if any("money" in f.kinds for f in facts):
        out.append("How much money is involved?")
    orgs = getattr(panel, "organisations", [])
    if orgs and len(out) < limit:
        out.append(f"What is the role of {orgs[0].name}?")
    return out[:limit]
