"""Answering a reader's question from cited sentences, or refusing when the sources do not say.

The reader: every sentence is scored by words (BM25 and the share of the question's idf-weighted words it
holds) and by meaning (MiniLM cosine to the question without its filler, see `question.analyse`). Hard
checks come from the question (`question.py`): "when" needs a date or time, "how much" money, "who" a
person or organisation, "what did X think" a sentence where X is reported; a ranking needs a sentence that
ranks. A sentence that says the thing is not known or set ("There is no date for the release in Europe
yet") passes those checks when it is about what is asked: it is the answer. The best sentence is cited
with a close second, and with the sentence before it when it only refers back ("He said …"). Across
outlets (a story) each outlet's best sentence is looked at too, and when the outlets give different
numbers or dates, or say different things, the answer cites each outlet's sentence and says they differ.

Refusal ("not in the sources") when no sentence passes the checks, when the article never mentions half of
what the question asks about, when the best sentence holds too little of the question (`min_coverage`),
or, for what someone did or thinks, when no sentence stands out from the article's others.
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
from newsdesk.pipeline.ai.question import KIND_NEEDS, Question, analyse, question_type, states_absence
from newsdesk.pipeline.embeddings import Embedder
from newsdesk.pipeline.text.dates import find_time_expressions, period_start
from newsdesk.pipeline.text.terms import TOKEN, stem, terms

__all__ = ["Answer", "Passage", "answer", "question_type", "suggested_questions"]

NOT_IN_SOURCES = "not in the sources"
W_LEXICAL = 0.2  # the sentence score: words (BM25 and coverage, half each) and meaning (MiniLM cosine)
W_EMBEDDING = 0.8
MIN_COVERAGE = 0.2  # share of the question's (idf-weighted) content words the best sentence must hold
MIN_ARTICLE_FOCUS = 0.5  # share of what the question asks about (besides names) the article mentions at all
MIN_SIMILARITY = 0.55  # a weaker word match the embedding vouches for (a paraphrase)
# "What did X do / think of Y" is held to more: what someone thinks is reported, or not at all, and a
# sentence about the same topic by someone else is the usual wrong answer.
STRICT_COVERAGE = 0.5
STRICT_FOCUS_SIMILARITY = 0.7  # a paraphrase this close may skip the focus-word check
STRICT_SCORE = 0.35
STRICT_STANDOUT = 1.5  # z-score of the best sentence's score among the article's sentences
MIN_STANDOUT_PASSAGES = 8  # fewer sentences give no stable mean and spread
SECOND_SENTENCE_RATIO = 0.9  # a second sentence is cited when it scores this close to the best
OUTLET_RATIO = 0.8  # another outlet's best sentence is looked at when it scores this close (or holds
# as many of the question's words)
DIFFERENT_SAYING = 0.5  # two outlets' answers further apart than this (cosine) say different things
_BM25_K1, _BM25_B = 1.2, 0.75

_GOVERNING = frozenset(
    {"to", "for", "with", "against", "on", "at", "into", "onto", "from", "of", "about", "urged", "asked"}
    | {"told", "pressed", "called", "informing", "blamed"}
)
_SUPERLATIVE = re.compile(
    r"\b(?:most|least|largest|biggest|highest|lowest|greatest|smallest|fewest|top|leading|record|"
    r"more\s+than\s+any|\w+est)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:he|she|they|it|his|her|their|its|him|them)\b", re.IGNORECASE)
# A sentence that opens by referring back ("He said …", "But the agency …", "This was …") needs the one
# before it to be understood.
_REFERS_BACK = re.compile(
    r"^\W*(?:he|she|they|it|his|her|their|its|this|that|these|those|but|however|still|yet|also|instead|"
    r"meanwhile)\b",
    re.IGNORECASE,
)
# What someone thinks is only in the sources when they are reported saying or showing it.
_OPINION = re.compile(
    r"[\"“”]|\b(?:said|says|say|told|thinks?|believes?|feels?|wants?|argued?|argues|criticized|criticised|"
    r"praised|welcomed|called|warned|according to|wrote|tweeted|insisted|added)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_DIGITS = re.compile(r"\d[\d,.]*")


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
    """An answer: the cited sentences that support it, or ``answerable=False`` with the reason.

    ``outlets_differ`` is set when the sentences come from several outlets that give different values or
    say different things: each cited sentence is then one outlet's telling (its ``source``).
    """

    answerable: bool
    sentences: list[Passage] = field(default_factory=list)
    confidence: float = 0.0
    reason: str = ""
    outlets_differ: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for s in d["sentences"]:
            s["entity_kinds"] = sorted(s["entity_kinds"]) if s["entity_kinds"] is not None else None
        return d


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


def _lexical(q: Question, docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BM25 of each sentence for the question's words (max 1); the idf-weighted share of the question's
    words it holds; and that share of only the words the passages use at all (for a sentence saying
    something is not known: "go on sale" there is "release", which is for the embedding to judge)."""
    n = len(docs)
    df = Counter(t for d in docs for t in set(d))
    idf = {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in q.terms}
    total_idf = sum(idf.values()) or 1.0
    known_idf = sum(v for t, v in idf.items() if t in df) or 1.0
    avg_len = sum(len(d) for d in docs) / n or 1.0
    lexical = np.zeros(n, dtype=np.float32)
    held = np.zeros(n, dtype=np.float32)
    for i, d in enumerate(docs):
        tf = Counter(d)
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * len(d) / avg_len)
        lexical[i] = sum(idf[t] * tf[t] * (_BM25_K1 + 1) / (tf[t] + norm) for t in q.terms if t in tf)
        held[i] = sum(idf[t] for t in q.terms if t in tf)
    return lexical / (lexical.max() or 1.0), held / total_idf, held / known_idf


def _neighbour(items: list[Passage], i: int) -> int | None:
    """The sentence before ``i`` in the same article, when ``i`` only refers back to it."""
    if i == 0 or not _REFERS_BACK.match(items[i].text):
        return None
    prev = items[i - 1]
    same = prev.article_id == items[i].article_id and prev.sentence_index == items[i].sentence_index - 1
    return i - 1 if same else None


def _values(kind: str | None, text: str, published: datetime | None) -> set[str]:
    """The values a sentence gives for what the question asks: dates for "when", numbers for "how many"
    or "how much"; empty for other questions (compared by meaning instead)."""
    if kind == "time":
        return {t.value for t in find_time_expressions(text, published or datetime(2000, 1, 1))}
    if kind in ("number", "money"):
        return {m.group().rstrip(".,").replace(",", "") for m in _DIGITS.finditer(text)}
    return set()


def _outlet_views(
    q: Question,
    items: list[Passage],
    ranked: list[int],
    scores: np.ndarray,
    coverage: np.ndarray,
    vectors: np.ndarray | None,
    published: datetime | None,
) -> tuple[list[int], bool]:
    """The best sentence, and each other outlet's best one that differs from it (a different date or
    number for what is asked, or, for other questions, a different statement); and whether any does."""
    best = ranked[0]
    per_outlet: dict[str, int] = {}
    for i in ranked:
        src = items[i].source
        close = scores[i] >= OUTLET_RATIO * scores[best] or coverage[i] >= coverage[best]
        if src and src not in per_outlet and close:
            per_outlet[src] = i
    if len(per_outlet) < 2:
        return [best], False
    mine = _values(q.kind, items[best].text, published)
    differ = []
    for i in per_outlet.values():
        if items[i].source == items[best].source:
            continue
        theirs = _values(q.kind, items[i].text, published)
        if mine or theirs:
            different = bool(mine and theirs and mine != theirs)
        else:
            different = vectors is not None and float(vectors[best] @ vectors[i]) < DIFFERENT_SAYING
        if different and not any(_values(q.kind, items[j].text, published) == theirs for j in differ):
            differ.append(i)
    return [best, *differ], bool(differ)


def _unsupported(
    q: Question,
    best: int,
    docs: list[list[str]],
    scores: np.ndarray,
    coverage: np.ndarray,
    sim: np.ndarray,
    min_coverage: float,
) -> str:
    """Why the best sentence does not answer the question ("" when it does)."""
    # The article must mention what is asked about at all ("breakfast", "weekends"): matching only the
    # names in the question is how a question the article does not answer finds a sentence.
    if q.focus:
        mentioned = set().union(*map(set, docs))
        if len(q.focus & mentioned) < MIN_ARTICLE_FOCUS * len(q.focus):
            return "no sentence is about what is asked"
    strict = bool(q.doer) or q.kind == "opinion"
    least = STRICT_COVERAGE if strict else min_coverage
    if coverage[best] < least and not (coverage[best] >= 0.25 and sim[best] >= MIN_SIMILARITY):
        return "no sentence is about what is asked"
    if not strict:
        return ""
    # Whose opinion, and of what: the sentence itself must name what is asked about.
    focus_held = len(q.focus & set(docs[best])) >= len(q.focus) / 2
    if (not focus_held and sim[best] < STRICT_FOCUS_SIMILARITY) or scores[best] < STRICT_SCORE:
        return "no sentence is about what is asked"
    # Calibrated per article: a question about the article's topic but not answered by it resembles many
    # sentences a little; an answered one has a sentence that stands out from the rest.
    standout = _standout(scores, best)
    if standout is not None and standout < STRICT_STANDOUT:
        return "no sentence stands out as the answer"
    return ""


def answer(
    question: str,
    passages: Sequence[Passage | str],
    *,
    embedder: Embedder | None = None,
    embeddings: np.ndarray | None = None,
    published: datetime | None = None,
    max_sentences: int = 2,
    min_coverage: float = MIN_COVERAGE,
) -> Answer:
    """Answer ``question`` from ``passages`` (strings are cited by position), or refuse.

    ``embeddings`` may hold the passages' unit vectors already computed by ``embedder`` (the site stores
    them with each panel, so a question embeds only itself); otherwise they are embedded here. Without an
    embedder the ranking is lexical only.
    Raises TypeError for a question that is not a string.
    """
    if not isinstance(question, str):
        raise TypeError(f"question must be str, not {type(question).__name__}")
    items = [p if isinstance(p, Passage) else Passage(str(p), i) for i, p in enumerate(passages)]
    if not question.strip() or not items:
        return Answer(False, [], 0.0, NOT_IN_SOURCES)
    q = analyse(question)
    if not q.terms:
        return Answer(False, [], 0.0, "the question names nothing to look for")

    docs = [terms(p.text) for p in items]
    lexical, coverage, known_coverage = _lexical(q, docs)
    sim = np.zeros(len(items), dtype=np.float32)
    vectors: np.ndarray | None = None
    if embedder is not None:
        vectors = (
            np.asarray(embeddings, dtype=np.float32)
            if embeddings is not None
            else np.asarray(embedder.embed([p.text for p in items]), dtype=np.float32)
        )
        sim = np.clip(vectors @ embedder.embed([q.query])[0], 0.0, 1.0)
        scores = W_LEXICAL * (0.5 * lexical + 0.5 * coverage) + W_EMBEDDING * sim
    else:
        scores = 0.5 * lexical + 0.5 * coverage

    # A sentence saying the thing asked about is not known or set answers the question when it is about
    # it: it passes the kind check ("When will …?" → "There is no date yet").
    about = (known_coverage >= STRICT_COVERAGE) | ((known_coverage >= 0.25) & (sim >= MIN_SIMILARITY))
    absent = np.array([states_absence(p.text) for p in items]) & about
    fits = np.array([_fits(q.kind, p, published) for p in items]) | absent
    if not fits.any():
        return Answer(False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence gives {KIND_NEEDS[q.kind or 'place']}")
    if q.superlative:
        fits &= np.array([bool(_SUPERLATIVE.search(p.text)) for p in items]) | absent
        if not fits.any():
            return Answer(False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence ranks what is asked")
    # What X did or thinks is only in a sentence that names X (or refers back to X named just before),
    # and an opinion of Y only where Y is named too: matching the rest of the question is not enough.
    if q.doer:
        who = set(q.doer)
        for i, d in enumerate(docs):
            named = (who <= set(d) and _as_doer(q.doer[-1], items[i].text)) or (
                i > 0 and who <= set(docs[i - 1]) and bool(_PRONOUN.search(items[i].text[:60]))
            )
            about = not q.topic or len(set(q.topic) & set(d)) * 2 >= len(set(q.topic))
            fits[i] = fits[i] and named and about
        if not fits.any():
            return Answer(
                False, [], 0.0, f"{NOT_IN_SOURCES}: no sentence says what {' '.join(q.doer)} did or thinks"
            )
    ranked = [int(i) for i in np.argsort(-scores, kind="stable") if fits[i]]
    # A sentence giving the value asked for comes before one saying it is not known, unless the latter
    # holds more of the question ("How much will it cost in Europe?" → "no price for Europe yet").
    if absent[ranked[0]]:
        given = [i for i in ranked if not absent[i] and known_coverage[i] >= known_coverage[ranked[0]]]
        if given:
            ranked.remove(given[0])
            ranked.insert(0, given[0])
    best = ranked[0]
    refusal = _unsupported(q, best, docs, scores, coverage, sim, min_coverage)
    if refusal and not absent[best]:
        return Answer(False, [], float(scores[best]), f"{NOT_IN_SOURCES}: {refusal}")
    chosen, differ = _outlet_views(q, items, ranked, scores, coverage, vectors, published)
    if not differ:
        chosen += [i for i in ranked[1:max_sentences] if scores[i] >= SECOND_SENTENCE_RATIO * scores[best]]
    chosen += [j for i in chosen if (j := _neighbour(items, i)) is not None]
    confidence = float(min(1.0, scores[best] * (0.5 + 0.5 * coverage[best])))
    cited = [items[i] for i in sorted(set(chosen))]
    return Answer(True, cited, round(confidence, 3), "", differ)


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
