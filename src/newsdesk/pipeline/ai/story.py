"""The story panel: several outlets' articles about one event, compared sentence by sentence.

* summary across outlets: sentences central to the whole story, boosted when several outlets say the
  same thing, picked without redundancy; each cites (article_id, sentence_index);
* what each outlet adds: sentences with no close counterpart (embedding similarity and word overlap)
  in any other outlet's articles;
* disagreements: the same slot — a number with the same context words ("killed … people"), or a date
  for the same event — given different values by different outlets, with every value and its source;
* a merged story timeline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from newsdesk.pipeline.ai.summary import CitedSentence, mmr_select
from newsdesk.pipeline.ai.timeline import TimelineEvent, build_timeline, merge_timelines
from newsdesk.pipeline.embeddings import Embedder
from newsdesk.pipeline.text.dates import TimeExpression, find_time_expressions
from newsdesk.pipeline.text.entities import Entity, link_entities
from newsdesk.pipeline.text.sentences import Sentence, split_sentences
from newsdesk.pipeline.text.stopwords import SLOT_CONTEXT_STOP_WORDS as _STOP
from newsdesk.pipeline.text.terms import stem

__all__ = ["Disagreement", "SlotValue", "StoryArticle", "StoryPanel", "explain_story"]

NOVEL_SIMILARITY = 0.6  # below this cosine to every other outlet's sentence, a sentence is new
NOVEL_OVERLAP = 0.5  # and at most this share of its content words appears in one other sentence
SAME_CONTEXT_SIMILARITY = 0.35  # two sentences must be at least this close to compare their numbers
_CONTEXT_WINDOW = 3
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9, "m": 1e6, "k": 1e3}
_QUANTITY = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?:\s*(?P<scale>thousand|million|billion|bn|m|k)\b)?"
    r"(?P<pct>\s*(?:%|per\s?cent|percent))?(?![\w.]\d)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class StoryArticle:
    """One outlet's article in a story; ``sentences`` may be given, else they are split from ``text``."""

    id: str
    source: str
    title: str
    text: str = ""
    published: datetime | None = None
    sentences: Sequence[str] | None = None


@dataclass(frozen=True, slots=True)
class SlotValue:
    value: str
    article_id: str
    source: str
    sentence_index: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Disagreement:
    """Outlets giving different values for one slot ("people killed": 12 vs 14), each with its source."""

    slot: str
    kind: str  # 'number' or 'date'
    values: list[SlotValue]

    def to_dict(self) -> dict[str, Any]:
        return {"slot": self.slot, "kind": self.kind, "values": [v.to_dict() for v in self.values]}


@dataclass
class StoryPanel:
    summary: list[CitedSentence]
    outlet_additions: dict[str, list[CitedSentence]]
    disagreements: list[Disagreement]
    timeline: list[TimelineEvent]
    entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": [s.to_dict() for s in self.summary],
            "outlet_additions": {k: [s.to_dict() for s in v] for k, v in self.outlet_additions.items()},
            "disagreements": [d.to_dict() for d in self.disagreements],
            "timeline": [e.to_dict() for e in self.timeline],
            "entities": [e.to_dict() for e in self.entities],
        }


@dataclass
class _Row:
    article: StoryArticle
    index: int
    text: str
    words: set[str]
    times: list[TimeExpression]


def _content(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP and not w.isdigit()}


def _quantities(text: str, times: Sequence[TimeExpression]) -> list[tuple[float, str, set[str]]]:
    """(value, surface, context stems) for each number in a sentence that is not part of a date."""
    spans = [(t.start, t.end) for t in times]
    out = []
    for m in _QUANTITY.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        raw = m.group("num").lower().replace(",", "")
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        before = _WORD.findall(text[: m.start()])[-_CONTEXT_WINDOW:]
        after = _WORD.findall(text[m.end() :])[:_CONTEXT_WINDOW]
        context = {stem(w) for w in before + after if w.lower() not in _STOP and not w[0].isdigit()}
        if m.group("pct"):
            context.add("%")
        out.append((value, m.group(0).strip(), context))
    return out


def _disagreements(rows: list[_Row], emb: np.ndarray) -> list[Disagreement]:
    found: list[Disagreement] = []
    seen: set[tuple[str, ...]] = set()
    quantities = [_quantities(r.text, [_local(t, r) for t in r.times]) for r in rows]
    for i, ri in enumerate(rows):
        for j in range(i + 1, len(rows)):
            rj = rows[j]
            if ri.article.source == rj.article.source or float(emb[i] @ emb[j]) < SAME_CONTEXT_SIMILARITY:
                continue
            for vi, si, ci in quantities[i]:
                for vj, sj, cj in quantities[j]:
                    shared = ci & cj
                    if vi == vj or not shared or ("%" in ci) != ("%" in cj):
                        continue
                    slot = " ".join(sorted(shared))
                    key = ("n", slot, *sorted([f"{ri.article.id}:{si}", f"{rj.article.id}:{sj}"]))
                    if key in seen:
                        continue
                    seen.add(key)
                    found.append(Disagreement(slot, "number", [_value(si, ri), _value(sj, rj)]))
            # Dates: the same kind of expression about the same event, resolved to different values.
            for ti in ri.times:
                for tj in rj.times:
                    if ti.granularity != tj.granularity or ti.value == tj.value:
                        continue
                    ctx = (ri.words & rj.words) - _content(ti.text) - _content(tj.text)
                    if len(ctx) < 2 or float(emb[i] @ emb[j]) < 0.6:
                        continue
                    slot = " ".join(sorted(ctx)[:4])
                    key = ("d", slot, ti.value, tj.value)
                    if key not in seen:
                        seen.add(key)
                        found.append(Disagreement(slot, "date", [_value(ti.value, ri), _value(tj.value, rj)]))
    return _merge_slots(found)


def _local(t: TimeExpression, r: _Row) -> TimeExpression:
    # Time expressions are found in the sentence itself here, so their offsets are already local.
    return t


def _value(v: str, r: _Row) -> SlotValue:
    return SlotValue(v, r.article.id, r.article.source, r.index, r.text)


def _merge_slots(found: list[Disagreement]) -> list[Disagreement]:
    """One disagreement per slot, listing every distinct (value, article, sentence) once."""
    merged: dict[tuple[str, str], Disagreement] = {}
    for d in found:
        m = merged.setdefault((d.kind, d.slot), Disagreement(d.slot, d.kind, []))
        for v in d.values:
            if not any((x.value, x.article_id, x.sentence_index) == (v.value, v.article_id, v.sentence_index)
                       for x in m.values):  # fmt: skip
                m.values.append(v)
    return list(merged.values())


def explain_story(
    articles: Sequence[StoryArticle],
    *,
    embedder: Embedder,
    entities: Sequence[Sequence[Entity]] | None = None,
    summary_sentences: int = 5,
    max_additions: int = 3,
) -> StoryPanel:
    """The story panel for several outlets' articles. ``entities`` (per article, from the article panels)
    are linked across the story when given. Raises TypeError for anything but StoryArticle items."""
    rows: list[_Row] = []
    sentence_lists: list[list[Sentence]] = []
    timelines = []
    for a in articles:
        if not isinstance(a, StoryArticle):
            raise TypeError(f"expected StoryArticle, got {type(a).__name__}")
        if a.sentences is not None:
            sents, at = [], 0
            for k, s in enumerate(a.sentences):
                sents.append(Sentence(k, str(s), at, at + len(str(s))))
                at += len(str(s)) + 1
        else:
            sents = split_sentences(a.text)
        sentence_lists.append(sents)
        article_times = []
        for s in sents:
            # No publish time: only the absolute dates the article states (None anchors nothing).
            times = find_time_expressions(s.text, a.published)
            article_times += [
                TimeExpression(t.text, t.start + s.start, t.end + s.start, t.value, t.granularity, s.index)
                for t in times
            ]
            rows.append(_Row(a, s.index, s.text, _content(s.text), times))
        timelines.append(build_timeline(sents, article_times, article_id=a.id, source=a.source))
    if not rows:
        return StoryPanel([], {}, [], [])

    emb = np.asarray(embedder.embed([r.text for r in rows]), dtype=np.float32)
    sources = np.array([r.article.source for r in rows])
    sim = emb @ emb.T
    other = sources[:, None] != sources[None, :]

    # Summary: centrality to the story, plus corroboration (how many other outlets say something close).
    centroid = emb.mean(axis=0)
    centrality = emb @ (centroid / (np.linalg.norm(centroid) or 1.0))
    corroboration = np.zeros(len(rows), dtype=np.float32)
    for i in range(len(rows)):
        close = {sources[j] for j in np.nonzero((sim[i] >= NOVEL_SIMILARITY) & other[i])[0]}
        corroboration[i] = len(close)
    n_sources = max(1, len(set(sources.tolist())) - 1)
    position = np.array([1.0 / np.sqrt(1 + r.index) for r in rows], dtype=np.float32)
    short = np.array([len(r.text.split()) < 5 for r in rows])
    scores = centrality + 0.5 * corroboration / n_sources + 0.3 * position - 10.0 * short
    # Outlets repeat each other: a stronger redundancy penalty than for one article.
    picked = mmr_select(scores, emb, min(summary_sentences, len(rows)), redundancy=1.0)
    summary = [
        CitedSentence(rows[i].text, rows[i].index, rows[i].article.id, rows[i].article.source) for i in picked
    ]

    # What each outlet adds: no close sentence elsewhere, by meaning and by words.
    additions: dict[str, list[CitedSentence]] = {}
    for src in dict.fromkeys(sources.tolist()):
        mine = np.nonzero(sources == src)[0]
        others = np.nonzero(sources != src)[0]
        novel: list[tuple[float, int]] = []
        for i in mine:
            if short[i] or not rows[i].words:
                continue
            best_sim = float(sim[i, others].max()) if len(others) else 0.0
            overlap = max(
                (len(rows[i].words & rows[j].words) / len(rows[i].words) for j in others), default=0.0
            )
            if best_sim < NOVEL_SIMILARITY and overlap <= NOVEL_OVERLAP:
                novel.append((best_sim + overlap, int(i)))
        novel.sort()
        additions[src] = [
            CitedSentence(rows[i].text, rows[i].index, rows[i].article.id, rows[i].article.source)
            for _, i in sorted(novel[:max_additions], key=lambda x: x[1])
        ]

    linked = link_entities(entities) if entities else []
    return StoryPanel(summary, additions, _disagreements(rows, emb), merge_timelines(timelines), linked)
