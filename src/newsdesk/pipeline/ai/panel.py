"""The AI panel of one article: summary, key facts, entities, timeline, reading time, hashtags.

``explain_article`` computes everything in one call; ``explain_articles`` does the same for a batch,
running spaCy with ``nlp.pipe`` (much faster per article). Every output cites the index of the sentence
it comes from (``panel.sentences[i]``).

No sentence embedding is needed for the panel: the summary ranks sentences by TF-IDF (higher ROUGE on
the dev set than the earlier MiniLM ranking, see benchmarks/ai.py), and `ask` embeds the sentences when a
question comes.
``embed_sentences=True`` stores the vectors for callers that will ask many questions of one panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from newsdesk.pipeline.ai.ask import Answer, Passage, answer, suggested_questions
from newsdesk.pipeline.ai.facts import Fact, key_facts
from newsdesk.pipeline.ai.summary import CitedSentence, summarize
from newsdesk.pipeline.ai.timeline import TimelineEvent, build_timeline
from newsdesk.pipeline.embeddings import Embedder, get_default_embedder
from newsdesk.pipeline.text.dates import TimeExpression, find_time_expressions
from newsdesk.pipeline.text.entities import (
    DEFAULT_SPACY_MODEL,
    Entity,
    Mention,
    link_mentions,
    load_nlp,
    mentions_from_doc,
)
from newsdesk.pipeline.text.keyphrases import Keyphrase, extract_keyphrases, hashtags
from newsdesk.pipeline.text.sentences import Sentence, sentences_from_doc, split_sentences

__all__ = ["WORDS_PER_MINUTE", "ArticlePanel", "explain_article", "explain_articles"]

WORDS_PER_MINUTE = 230
MAX_TEXT_CHARS = 200_000
KEYPHRASE_CHARS = 600  # a hostile "article" of many megabytes is cut, not processed for minutes


def _language(text: str) -> str:
    try:
        from newsdesk.pipeline.language import detect_language
    except ImportError:  # pragma: no cover - the module is optional for this layer
        return ""
    return detect_language(text)


@dataclass
class ArticlePanel:
    """Everything the article page's AI panel shows; ``to_dict()`` is JSON-serialisable."""

    title: str
    published: datetime | None  # None: unknown, so no relative date is resolved
    language: str
    sentences: list[Sentence]
    summary: list[CitedSentence]
    key_facts: list[Fact]
    people: list[Entity]
    organisations: list[Entity]
    places: list[Entity]
    other_entities: list[Entity]
    timeline: list[TimelineEvent]
    time_expressions: list[TimeExpression]
    word_count: int
    reading_time_minutes: int
    keyphrases: list[Keyphrase]
    hashtags: list[str]
    suggested_questions: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list, repr=False)
    embeddings: np.ndarray | None = field(default=None, repr=False)
    embedder_name: str = ""

    @property
    def entities(self) -> list[Entity]:
        return [*self.people, *self.organisations, *self.places, *self.other_entities]

    def passages(self) -> list[Passage]:
        """The article's sentences as citable passages for `ask`, with what each mentions."""
        kinds: dict[int, set[str]] = {}
        for m in self.mentions:
            if m.sentence_index is not None:
                kinds.setdefault(m.sentence_index, set()).add(m.kind)
        timed = {t.sentence_index for t in self.time_expressions}
        return [
            Passage(
                s.text, s.index, entity_kinds=frozenset(kinds.get(s.index, ())), has_time=s.index in timed
            )
            for s in self.sentences
        ]

    def ask(self, question: str, *, embedder: Embedder | None = None) -> Answer:
        """Answer a reader's question from this article's sentences (see `newsdesk.pipeline.ai.ask`)."""
        # The stored sentence vectors are reusable only with the embedder that made them; otherwise the
        # sentences are embedded now, once, and kept for the next question.
        same = embedder is not None and getattr(embedder, "name", None) == self.embedder_name
        if embedder is not None and not same and self.sentences:
            self.embeddings = embedder.embed([s.text for s in self.sentences])
            self.embedder_name = str(getattr(embedder, "name", ""))
        embs = self.embeddings if embedder is not None else None
        return answer(question, self.passages(), embedder=embedder, embeddings=embs, published=self.published)

    def to_dict(self) -> dict[str, Any]:
        def items(xs: Sequence[Any]) -> list[Any]:
            return [x.to_dict() for x in xs]

        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "sentences": items(self.sentences),
            "summary": items(self.summary),
            "key_facts": items(self.key_facts),
            "people": items(self.people),
            "organisations": items(self.organisations),
            "places": items(self.places),
            "other_entities": items(self.other_entities),
            "timeline": items(self.timeline),
            "time_expressions": items(self.time_expressions),
            "word_count": self.word_count,
            "reading_time_minutes": self.reading_time_minutes,
            "keyphrases": items(self.keyphrases),
            "hashtags": list(self.hashtags),
            "suggested_questions": list(self.suggested_questions),
        }


def _check(title: Any, text: Any, published: Any) -> tuple[str, str]:
    if not isinstance(title, str) or not isinstance(text, str):
        raise TypeError("title and text must be str")
    if published is not None and not isinstance(published, datetime):
        raise TypeError(f"published must be a datetime or None, not {type(published).__name__}")
    return title.strip(), text[:MAX_TEXT_CHARS]


def _build(
    title: str,
    text: str,
    published: datetime | None,
    doc: Any,
    sentences: list[Sentence],
    emb: np.ndarray | None,
    embedder_name: str,
) -> ArticlePanel:
    starts = [s.start for s in sentences]
    mentions = mentions_from_doc(doc, starts)
    entities = link_mentions(mentions)
    times = find_time_expressions(text, published, sentence_starts=starts) if sentences else []
    texts = [s.text for s in sentences]
    summary = summarize(title, texts) if sentences else []
    words = len(text.split())
    # The title and lead carry an article's topics; YAKE over the whole text costs ~3x more for little.
    lead = text[:KEYPHRASE_CHARS]
    phrases = extract_keyphrases(f"{title}. {lead}" if title else lead, max_words=2)

    def of(kind: str) -> list[Entity]:
        return [e for e in entities if e.kind == kind]

    named = [e.name for e in entities if e.kind != "other" and e.count >= 2][:3]
    panel = ArticlePanel(
        title=title,
        published=published,
        language=_language(f"{title}. {text}"),
        sentences=sentences,
        summary=summary,
        key_facts=key_facts(sentences, times, mentions),
        people=of("person"),
        organisations=of("organisation"),
        places=of("place"),
        other_entities=of("other"),
        timeline=build_timeline(sentences, times),
        time_expressions=times,
        word_count=words,
        reading_time_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0,
        keyphrases=phrases,
        hashtags=hashtags(phrases, entities=named, people=[e.name for e in entities if e.kind == "person"]),
        mentions=mentions,
        embeddings=emb,
        embedder_name=embedder_name,
    )
    panel.suggested_questions = suggested_questions(panel)
    return panel


def explain_articles(
    articles: Sequence[tuple[str, str, datetime | None]],
    *,
    embedder: Embedder | None = None,
    nlp: Any = None,
    spacy_model: str = DEFAULT_SPACY_MODEL,
    batch_size: int = 16,
    embed_sentences: bool = False,
) -> list[ArticlePanel]:
    """Panels for many ``(title, text, published)`` articles; spaCy runs batched. ``published`` is None
    for an article whose date is unknown.

    ``embedder`` is used only with ``embed_sentences=True``, which stores each panel's sentence vectors
    (``panel.embeddings``) for later questions; by default `ArticlePanel.ask` embeds them on demand.
    """
    checked = [(*_check(t, x, p), p) for t, x, p in articles]
    if embed_sentences and embedder is None:
        embedder = get_default_embedder()
    nlp = nlp if nlp is not None else load_nlp(spacy_model)
    name = str(getattr(embedder, "name", "")) if embed_sentences else ""
    out: list[ArticlePanel] = []
    for b in range(0, len(checked), batch_size):
        batch = checked[b : b + batch_size]
        docs = list(nlp.pipe([text for _, text, _ in batch], batch_size=batch_size))
        split = [
            sentences_from_doc(doc) or split_sentences(text)
            for (_, text, _), doc in zip(batch, docs, strict=True)
        ]
        vectors: np.ndarray | None = None
        if embed_sentences and embedder is not None:
            flat = [s.text for ss in split for s in ss]
            vectors = embedder.embed(flat, batch_size=64) if flat else None
        at = 0
        for (title, text, published), doc, ss in zip(batch, docs, split, strict=True):
            emb = vectors[at : at + len(ss)] if vectors is not None else None
            at += len(ss)
            out.append(_build(title, text, published, doc, ss, emb, name if emb is not None else ""))
    return out


def explain_article(
    title: str,
    text: str,
    published: datetime | None,
    *,
    embedder: Embedder | None = None,
    nlp: Any = None,
    spacy_model: str = DEFAULT_SPACY_MODEL,
) -> ArticlePanel:
    """The AI panel of one article; ``published`` anchors relative dates ("Tuesday", "next week"), and
    when it is None (unknown) only the absolute dates the text states make the timeline.

    ``nlp`` defaults to ``load_nlp(spacy_model)``; ``embedder`` is kept for `ArticlePanel.ask` callers
    and not needed to build the panel.
    Raises TypeError for arguments of the wrong type; an empty text gives an empty panel.
    """
    return explain_articles([(title, text, published)], embedder=embedder, nlp=nlp, spacy_model=spacy_model)[
        0
    ]
