"""The story panel: every outlet's article compared by `pipeline.ai.story`, stored, and asked.

A summary across outlets citing each outlet's sentence, what each outlet adds that the others do not
say, where they give different numbers or dates (every value with its source), a merged timeline, the
story's entities and suggested questions. Stored as a `StoryInsight` keyed by the members' fingerprint:
a story that grows gets a new panel, made by the worker once no member has joined for a minute
(`NEWSDESK_STORY_PANEL_DEBOUNCE_S`), or on first view when no worker runs.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.entities import link_and_store, panel_entities
from newsdesk.articles.insights import panel_for, save_vectors, vectors_of
from newsdesk.articles.models import FINAL_STAGE, OLDEST_FIRST, Article
from newsdesk.pipeline.ai.ask import Answer, Passage, answer, suggested_questions
from newsdesk.pipeline.ai.story import StoryArticle, explain_story
from newsdesk.pipeline.ai.timeline import TimelineEvent
from newsdesk.pipeline.embeddings import Embedder
from newsdesk.pipeline.text.entities import Entity
from newsdesk.runtime.embedder import embedder_name, get_embedder, stored_matrix
from newsdesk.runtime.llm import llm_configured, rewrite
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story, StoryInsight

log = logging.getLogger(__name__)
MAX_ARTICLES = 24  # the panel compares sentence pairs: a huge story is read from its first 24 tellings
MAX_CACHED_ANSWERS = 200
LLM_RETRY_S = 600  # a failed LLM rewrite is tried again by the worker after this long


def _member_rows(story_ids: list[int]) -> dict[int, list[tuple[int, str, datetime, str]]]:
    """(pk, outlet, time, text fingerprint) of each story's visible articles, oldest first."""
    rows: dict[int, list[tuple[int, str, datetime, str]]] = {}
    for story_id, pk, source_id, publisher_id, published, discovered, fp in (
        Article.objects.filter(story_id__in=story_ids, stage=FINAL_STAGE, duplicate_of__isnull=True)
        .order_by(*OLDEST_FIRST)
        .values_list(
            "story_id", "pk", "source_id", "source__publisher_id", "published_at", "discovered_at",
            "content_fingerprint",
        )
    ):  # fmt: skip
        outlet = Source.outlet_key(source_id, publisher_id)
        rows.setdefault(story_id, []).append((pk, outlet, published or discovered, fp))
    return rows


def _select(rows: list[tuple[int, str, datetime, str]]) -> list[tuple[int, str, datetime, str]]:
    """One article per outlet (publisher) first (its earliest), then more, up to MAX_ARTICLES, in time
    order: two feeds of one publisher get one first place, as everywhere outlets are counted."""
    first: dict[str, tuple[int, str, datetime, str]] = {}
    for r in rows:
        first.setdefault(r[1], r)
    chosen = list(first.values())[:MAX_ARTICLES]
    ids = {r[0] for r in chosen}
    chosen += [r for r in rows if r[0] not in ids][: MAX_ARTICLES - len(chosen)]
    return sorted(chosen, key=lambda r: (r[2], r[0]))


def _fingerprint(rows: list[tuple[int, str, datetime, str]]) -> str:
    key = "\n".join(sorted(f"{pk}:{fp}" for pk, _, _, fp in rows))
    return hashlib.sha1(key.encode()).hexdigest()


def members(story: Story) -> tuple[list[Article], str]:
    """The articles the panel reads (teasers too short for a panel are skipped later) and their key."""
    chosen = _select(_member_rows([story.pk]).get(story.pk, []))
    by_pk = Article.objects.select_related("source__publisher").in_bulk([r[0] for r in chosen])
    return [by_pk[r[0]] for r in chosen if r[0] in by_pk], _fingerprint(chosen)


def _passages(article: Article, source: str, panel: dict[str, Any]) -> list[dict[str, Any]]:
    """The article's sentences as citable passages, with what each mentions (for answer-type checks)."""
    kinds: dict[int, set[str]] = {}
    for e in panel_entities(panel):
        for i in e.sentence_indices:
            kinds.setdefault(i, set()).add(e.kind)
    timed = {t.get("sentence_index") for t in panel.get("time_expressions") or []}
    return [
        {
            "text": s["text"],
            "sentence_index": s["index"],
            "article_id": str(article.pk),
            "source": source,
            "kinds": sorted(kinds.get(s["index"], ())),
            "has_time": s["index"] in timed,
        }
        for s in panel["sentences"]
    ]


def _as_passage(p: dict[str, Any]) -> Passage:
    return Passage(
        p["text"], p["sentence_index"], p["article_id"], p["source"], frozenset(p["kinds"]), p["has_time"]
    )


def _suggested(data: dict[str, Any], linked: list[Entity], passages: list[Passage],
               published: datetime | None, embedder: Any, vectors: np.ndarray) -> list[str]:  # fmt: skip
    """Questions built from the story's timeline and entities that the story's sentences can answer."""
    shape = SimpleNamespace(
        published=published,
        timeline=[TimelineEvent(**e) for e in data["timeline"]],
        people=[e for e in linked if e.kind == "person"],
        places=[e for e in linked if e.kind == "place"],
        organisations=[e for e in linked if e.kind == "organisation"],
        key_facts=[],
    )
    out = []
    for q in suggested_questions(shape, limit=6):
        if answer(q, passages, embedder=embedder, embeddings=vectors, published=published).answerable:
            out.append(q)
    return out[:4]


class _Remembering:
    """An embedder that keeps what it embedded: the panel and the ask passages embed the same sentences."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.dim, self.name = inner, inner.dim, str(getattr(inner, "name", ""))
        self.seen: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if missing:
            self.seen.update(zip(missing, self.inner.embed(missing, batch_size=batch_size), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.seen[t] for t in texts]).astype(np.float32, copy=False)


def _compute(story: Story, articles: list[Article], fp: str) -> StoryInsight | None:
    panels = [(a, p) for a in articles if (p := panel_for(a)) is not None]
    if not panels:  # only teasers: stored empty, so the worker does not try again every minute
        insight, _ = StoryInsight.objects.update_or_create(
            story=story,
            defaults={
                "members_fingerprint": fp,
                "data": {},
                "passages": [],
                "vectors": None,
                "created_at": timezone.now(),
            },
        )
        return insight
    names = {a.pk: a.source.outlet_name for a, _ in panels}  # one outlet per publisher
    items = [
        StoryArticle(str(a.pk), names[a.pk], a.title, sentences=[s["text"] for s in p["sentences"]],
                     published=a.published_at)
        for a, p in panels
    ]  # fmt: skip
    embedder = _Remembering(get_embedder())
    # Members' sentence vectors stored with their panels are not embedded again; those embedded here
    # are stored with the members' panels, so a story's first panel also spares their first questions.
    stored = vectors_of([a for a, _ in panels])
    for a, p in panels:
        if a.pk in stored and len(stored[a.pk]) == len(p["sentences"]):
            embedder.seen.update(zip([s["text"] for s in p["sentences"]], stored[a.pk], strict=True))
    panel = explain_story(items, embedder=embedder)
    # Entities are linked (and their mentions stored) here, so the panel's slugs are the entity pages'.
    linked = link_and_store([(a, panel_entities(p)) for a, p in panels], {a.pk for a, _ in panels})
    data = panel.to_dict()
    data["entities"] = [e.to_dict() | {"articles": [int(items[i].id) for i in e.articles]} for e in linked]
    data["articles"] = {
        str(a.pk): {"title": a.title, "source": names[a.pk], "url": reverse("article", args=[a.pk])}
        for a, _ in panels
    }
    data["source_count"] = len(set(names.values()))
    data["article_count"] = len(panels)
    passages = [p for a, panel_data in panels for p in _passages(a, names[a.pk], panel_data)]
    vectors = np.asarray(embedder.embed([p["text"] for p in passages]), dtype=np.float32)
    for a, p in panels:
        if a.pk not in stored and p["sentences"]:
            save_vectors(a, embedder.embed([s["text"] for s in p["sentences"]]))
    published = min((a.published_at for a, _ in panels if a.published_at), default=None)
    data["suggested_questions"] = _suggested(
        data, linked, [_as_passage(p) for p in passages], published, embedder, vectors
    )
    insight, _ = StoryInsight.objects.update_or_create(
        story=story,
        defaults={
            "members_fingerprint": fp,
            "data": data,
            "passages": passages,
            "vectors": vectors.tobytes(),
            "embedder_name": embedder.name,
            "llm": None,
            "llm_answers": {},
            "created_at": timezone.now(),
        },
    )
    return insight


def _llm_due(insight: StoryInsight) -> bool:
    if not llm_configured():
        return False
    if insight.llm is None:
        return True
    if insight.llm.get("model") != settings.NEWSDESK_LLM_MODEL:
        return True
    if "error" in insight.llm:
        made = datetime.fromisoformat(insight.llm["made_at"])
        return (datetime.now(made.tzinfo) - made).total_seconds() >= LLM_RETRY_S
    return False


def rewrite_summary(insight: StoryInsight) -> None:
    """Have the configured LLM rewrite the summary from its cited sentences (grounded), and store it."""
    insight.llm = rewrite("summary", insight.data["summary"])
    insight.save(update_fields=["llm"])


def story_panel(story: Story, *, compute: bool = True, use_llm: bool = False) -> StoryInsight | None:
    """The stored panel, made now if missing or stale (and ``compute``); with ``use_llm`` and an LLM
    configured, its summary rewrite too. None before the story has any article; empty ``data`` when no
    member has enough text for a panel."""
    articles, fp = members(story)
    # Passages and vectors are loaded only when a question is asked.
    insight = StoryInsight.objects.filter(story=story).defer("passages", "vectors").first()
    if (insight is None or insight.members_fingerprint != fp) and compute and articles:
        try:
            insight = _compute(story, articles, fp) or insight
        except (ValueError, TypeError) as exc:
            log.warning("no story panel for story %s: %s", story.pk, exc)
        except IntegrityError:  # another process made the same panel at the same moment
            insight = StoryInsight.objects.filter(story=story).first()
    if insight is not None and insight.data and use_llm and _llm_due(insight):
        rewrite_summary(insight)
    return insight


def stored_panel_data(story: Story) -> dict[str, Any] | None:
    """The story panel the AI desk has stored, if any, as is (never computed here): for the briefing
    and the API, which show a panel but must not make one on a request."""
    return StoryInsight.objects.filter(story=story).values_list("data", flat=True).first()


@dataclass
class StoryAnswer:
    """An answer from the story's sentences (or a refusal), and the LLM's grounded rewrite of it."""

    answer: Answer
    llm: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = self.answer.to_dict()
        d["llm"] = self.llm
        return d


def _vectors(insight: StoryInsight) -> np.ndarray:
    """The passages' vectors as stored with the panel; when another embedder made them, embedded once
    now and stored again, as an article's are (`articles.insights.ask`): a question embeds only itself."""
    found = stored_matrix(insight.vectors, insight.embedder_name, len(insight.passages))
    if found is not None:
        return found
    texts = [p["text"] for p in insight.passages]
    found = np.asarray(get_embedder().embed(texts, batch_size=64), dtype=np.float32)
    insight.vectors, insight.embedder_name = found.tobytes(), embedder_name()
    StoryInsight.objects.filter(pk=insight.pk, members_fingerprint=insight.members_fingerprint).update(
        vectors=insight.vectors, embedder_name=insight.embedder_name
    )
    return found


def ask(
    story: Story, question: str, *, use_llm: bool = True, insight: StoryInsight | None = None
) -> StoryAnswer | None:
    """Answer from every member's sentences, citing outlet and sentence; None when there is no panel."""
    insight = insight or story_panel(story)
    if insight is None or not insight.passages:
        return None
    question = " ".join(question.split())[:500]
    passages = [_as_passage(p) for p in insight.passages]
    result = answer(
        question,
        passages,
        embedder=get_embedder(),
        embeddings=_vectors(insight),
        published=story.first_seen if story.dated else None,
    )
    llm = None
    if use_llm and result.answerable and llm_configured():
        llm = cached_llm_answer(insight, question)
        if llm is None:
            llm = rewrite_answer(insight, question, result)
    return StoryAnswer(result, llm)


def stale() -> QuerySet[Story]:
    """Stories whose members changed since their panel was made, or that have none yet."""
    return Story.objects.filter(article_count__gt=0).filter(
        Q(insight__isnull=True) | Q(insight__created_at__lt=F("members_changed_at"))
    )


def due(now: datetime | None = None) -> QuerySet[Story]:
    """Stale stories (`stale`) that settled: no member joined for the debounce."""
    now = now or timezone.now()
    settled = now - timedelta(seconds=settings.NEWSDESK_STORY_PANEL_DEBOUNCE_S)
    return stale().filter(members_changed_at__lte=settled)


def waiting_count(story: Story) -> int:
    """Stories the worker makes a panel for before this one (it takes the most recently changed first)."""
    return stale().filter(members_changed_at__gt=story.members_changed_at).count()


# LLM answers: cached per story and question, failures too (a failing or slow server is asked again
# after LLM_RETRY_S, not at every view); the site's pages only queue them (stories/tasks.py), since
# one call may take NEWSDESK_LLM_TIMEOUT seconds.


def _llm_key(question: str) -> str:
    return f"{settings.NEWSDESK_LLM_MODEL}\n{' '.join(question.split()).lower()[:500]}"


def _fresh(entry: dict[str, Any]) -> bool:
    """A failure or a queued request stands for LLM_RETRY_S; a rewrite for good."""
    if "error" not in entry and "pending" not in entry:
        return True
    try:
        made = datetime.fromisoformat(str(entry.get("made_at")))
    except ValueError:
        return False
    return (datetime.now(made.tzinfo) - made).total_seconds() < LLM_RETRY_S


def cached_llm_answer(insight: StoryInsight, question: str) -> dict[str, Any] | None:
    """The stored LLM answer to this question ({"pending": …} while queued, {"error": …} after a recent
    failure), or None when there is none to show and it may be asked (again)."""
    entry = (insight.llm_answers or {}).get(_llm_key(question))
    return entry if isinstance(entry, dict) and _fresh(entry) else None


def _store_llm_answer(insight: StoryInsight, question: str, entry: dict[str, Any]) -> None:
    stored = StoryInsight.objects.filter(pk=insight.pk).values_list("llm_answers", flat=True).first() or {}
    answers = dict(list(stored.items())[-(MAX_CACHED_ANSWERS - 1) :])
    answers[_llm_key(question)] = entry
    insight.llm_answers = answers
    StoryInsight.objects.filter(pk=insight.pk).update(llm_answers=answers)


def mark_llm_answer_pending(insight: StoryInsight, question: str) -> dict[str, Any]:
    """Record that this question's rewrite is queued (so the next views do not queue it again)."""
    entry = {"pending": True, "made_at": timezone.now().isoformat()}
    _store_llm_answer(insight, question, entry)
    return entry


def rewrite_answer(insight: StoryInsight, question: str, result: Answer) -> dict[str, Any] | None:
    """Ask the LLM now to rewrite the cited answer; the outcome, success or failure, is stored."""
    cited = [
        {"text": s.text, "article_id": s.article_id, "sentence_index": s.sentence_index, "source": s.source}
        for s in result.sentences
    ]
    llm = rewrite("answer", cited, question)
    if llm is not None:
        _store_llm_answer(insight, question, llm)
    return llm


def rewrite_answer_of(story_id: int, question: str) -> dict[str, Any] | None:
    """The worker's side of a queued question: the extractive answer again, then its LLM rewrite."""
    story = Story.objects.filter(pk=story_id).first()
    insight = StoryInsight.objects.filter(story_id=story_id).first()
    if story is None or insight is None:
        return None
    done = ask(story, question, use_llm=False, insight=insight)
    if done is None or not done.answer.answerable or not llm_configured():
        return None
    return rewrite_answer(insight, question, done.answer)


def pending(limit: int = 200) -> list[Story]:
    """Stories whose panel is missing or stale: every story whose members changed (most recent first),
    then the recently updated ones whose members' texts were edited."""
    now = timezone.now()
    settled = now - timedelta(seconds=settings.NEWSDESK_STORY_PANEL_DEBOUNCE_S)
    changed = list(due(now).order_by("-members_changed_at", "-pk")[:limit])
    recent = list(
        Story.objects.filter(article_count__gt=0, members_changed_at__lte=settled).order_by("-last_updated")[
            :limit
        ]
    )
    stories = list({s.pk: s for s in changed + recent}.values())
    stored = dict(
        StoryInsight.objects.filter(story__in=stories).values_list("story_id", "members_fingerprint")
    )
    rows = _member_rows([s.pk for s in stories])
    out = []
    for s in stories:
        fresh = rows.get(s.pk) and stored.get(s.pk) == _fingerprint(_select(rows[s.pk]))
        if not fresh:
            out.append(s)
        elif s in changed:  # a member moved and came back, or a repair left it as it was: nothing to make
            StoryInsight.objects.filter(story=s).update(created_at=timezone.now())
    return out


def enrich_pending(budget_s: float = 50.0) -> int:
    """Make panels for every story that needs one, for up to ``budget_s`` seconds (the worker runs this
    every minute); LLM rewrites too."""
    started, done = time.monotonic(), 0
    tried: set[int] = set()  # a story whose panel cannot be made is tried once per run, not in a loop
    while time.monotonic() - started < budget_s:
        todo = [s for s in pending() if s.pk not in tried]
        if not todo:
            break
        for story in todo:
            if time.monotonic() - started >= budget_s:
                break
            tried.add(story.pk)
            done += story_panel(story, use_llm=True) is not None
    if llm_configured():
        for insight in StoryInsight.objects.order_by("-created_at")[:50]:
            if insight.data and _llm_due(insight):
                rewrite_summary(insight)
    return done
