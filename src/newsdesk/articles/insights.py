"""The AI panel for an article: computed by the framework-free `pipeline.ai`, stored, and asked.

Every sentence the panel shows is one of the article's own sentences, cited by its index; answers
are cited sentences too, or a refusal ("not in the sources").

The backlog: every finished article starts with `panel_state = pending` (and returns to it when its text
changes) and leaves it exactly once — `made` (panel stored), `short` (under MIN_WORDS: a teaser, given its
entities only) or `failed` (the text could not be read; entities only). Teasers therefore never block the
queue, and every article's entities reach the entity pages whether or not it has a panel. The worker
takes the newest waiting articles first and, every fourth, the oldest, so a steady flow of new articles
never starves old ones.

A panel's sentence vectors are stored with it (`Insight.vectors`): the worker adds them once every
waiting article has its panel (they cost about three times the panel), and a first question on an
article without them embeds its sentences once and stores them, so no later question, in any process,
embeds more than itself.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from newsdesk.articles.entities import index_article
from newsdesk.articles.models import FINAL_STAGE, Article, Insight, PanelState
from newsdesk.pipeline.ai.ask import Answer, Passage, answer
from newsdesk.pipeline.ai.panel import explain_article
from newsdesk.runtime.coordination import claim, release
from newsdesk.runtime.embedder import embedder_name, get_embedder, stored_matrix
from newsdesk.runtime.instruments import AI_LATENCY

log = logging.getLogger(__name__)
# Under this many words an article is a teaser ("Read more…", a feed's two-line summary): no panel,
# entities only. Every article of 80 words or more gets a panel (issue 17); so do wire briefs of 50-79
# words, whose four or five sentences carry names, numbers and dates worth comparing across outlets.
MIN_WORDS = 50
PANEL_LEASE = timedelta(minutes=2)
NEWEST, OLDEST = 6, 2  # of each batch the backlog takes: newest first, and the oldest waiting


def word_count(article: Article) -> int:
    return len(article.text.split())


def too_short(article: Article) -> bool:
    return word_count(article) < MIN_WORDS


def _stored(article: Article) -> Insight | None:
    insight = Insight.objects.filter(article=article).defer("vectors").first()
    if insight is not None and insight.text_fingerprint == article.content_fingerprint:
        return insight
    return None


def panel_for(article: Article, *, compute: bool = True) -> dict[str, Any] | None:
    """The stored panel, made now if missing or stale (and `compute`); None for a teaser."""
    insight = _stored(article)
    if insight is not None:
        return insight.data
    if not compute or too_short(article):
        return None
    return make_panel(article)


def _mark(article: Article, state: str) -> None:
    """Leave the backlog, unless the text changed meanwhile (then the new text waits for its panel)."""
    Article.objects.filter(pk=article.pk, content_fingerprint=article.content_fingerprint).update(
        panel_state=state
    )
    article.panel_state = state


def make_panel(article: Article) -> dict[str, Any] | None:
    """Make and store the article's panel and its entity mentions, and take it off the backlog.

    A teaser (under MIN_WORDS) gets its entities only — from its title and text, so that entity pages
    cover every article — and is marked `short`; a text the pipeline cannot read is marked `failed`.
    Returns the panel, or None when there is none.
    """
    short = too_short(article)
    text = f"{article.title}.\n\n{article.text}" if short and article.title else article.text
    started = time.monotonic()
    try:
        data = explain_article(
            article.title,
            text,
            article.published_at,  # None when unknown: no relative date is resolved against import time
            embedder=get_embedder(),
            spacy_model=settings.NEWSDESK_SPACY_MODEL,
        ).to_dict()
    except (ValueError, TypeError) as exc:
        log.warning("no AI panel for article %s: %s", article.pk, exc)
        _mark(article, PanelState.FAILED)
        return None
    if short:
        index_article(article, data)
        _mark(article, PanelState.SHORT)
        return None
    AI_LATENCY.observe(time.monotonic() - started)
    Insight.objects.update_or_create(
        article=article,
        defaults={
            "data": data,
            "text_fingerprint": article.content_fingerprint,
            "vectors": None,
            "embedder_name": "",
            "created_at": timezone.now(),
        },
    )
    index_article(article, data)
    _mark(article, PanelState.MADE)
    return data


def backlog() -> QuerySet[Article]:
    """Finished articles waiting for their panel (or their entities, for a teaser)."""
    return Article.objects.filter(stage=FINAL_STAGE, panel_state=PanelState.PENDING)


def queue_position(article: Article) -> int:
    """How many waiting articles the worker takes before this one (it takes the newest first)."""
    return backlog().filter(pk__gt=article.pk).count()


def _next_batch() -> list[int]:
    now = timezone.now()
    free = backlog().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    newest = list(free.order_by("-pk").values_list("pk", flat=True)[:NEWEST])
    oldest = list(free.order_by("pk").values_list("pk", flat=True)[:OLDEST])
    half = NEWEST // OLDEST  # three newest, the oldest, three newest, the next oldest
    order = [pk for i in range(OLDEST) for pk in (*newest[i * half : (i + 1) * half], *oldest[i : i + 1])]
    return list(dict.fromkeys(order))


def make_pending_panels(budget_s: float = 50.0, limit: int | None = None) -> int:
    """Work through the backlog for up to ``budget_s`` seconds (or ``limit`` articles); returns how
    many articles left it.

    Each article is taken under a lease, so several workers share the backlog; one article that breaks
    is marked `failed` and never stops the others.
    """
    started, done = time.monotonic(), 0
    while time.monotonic() - started < budget_s and (limit is None or done < limit):
        ids = _next_batch()
        if not ids:
            break
        for pk in ids:
            if time.monotonic() - started >= budget_s or (limit is not None and done >= limit):
                break
            if not claim(Article, pk, PANEL_LEASE):
                continue
            try:
                article = (
                    Article.objects.select_related("source")
                    .filter(pk=pk, stage=FINAL_STAGE, panel_state=PanelState.PENDING)
                    .first()
                )
                if article is not None:
                    make_panel(article)
                    done += 1
            except Exception:  # one broken article must never stop the backlog
                log.exception("article %s failed in the AI panel", pk)
                Article.objects.filter(pk=pk).update(panel_state=PanelState.FAILED)
            finally:
                release(Article, pk)
    return done


def stored_vectors(insight: Insight) -> np.ndarray | None:
    """The panel's sentence vectors, if stored by the embedder in use."""
    return stored_matrix(insight.vectors, insight.embedder_name, len(insight.data.get("sentences") or []))


def vectors_of(articles: list[Article]) -> dict[int, np.ndarray]:
    """Stored sentence vectors of these articles' current panels (by article id), where there are any."""
    fps = {a.pk: a.content_fingerprint for a in articles}
    out = {}
    for insight in Insight.objects.filter(article_id__in=fps, vectors__isnull=False):
        if insight.text_fingerprint == fps[insight.article_id]:
            vectors = stored_vectors(insight)
            if vectors is not None:
                out[insight.article_id] = vectors
    return out


def save_vectors(article: Article, vectors: np.ndarray) -> None:
    """Store vectors embedded elsewhere (the story panel embeds every member's sentences anyway)."""
    Insight.objects.filter(article=article, text_fingerprint=article.content_fingerprint).update(
        vectors=np.asarray(vectors, dtype=np.float32).tobytes(), embedder_name=embedder_name()
    )


def store_vectors(insight: Insight) -> np.ndarray:
    """Embed the panel's sentences and store their vectors with it."""
    embedder = get_embedder()
    texts = [s["text"] for s in insight.data.get("sentences") or []]
    vectors = (
        np.asarray(embedder.embed(texts, batch_size=64), dtype=np.float32)
        if texts
        else np.zeros((0, embedder.dim), dtype=np.float32)
    )
    Insight.objects.filter(pk=insight.pk, text_fingerprint=insight.text_fingerprint).update(
        vectors=vectors.tobytes(), embedder_name=embedder_name()
    )
    return vectors


def add_pending_vectors(budget_s: float = 50.0) -> int:
    """Store sentence vectors for panels that have none (newest first), for up to ``budget_s``."""
    started, done = time.monotonic(), 0
    name = embedder_name()
    while time.monotonic() - started < budget_s:
        todo = list(
            Insight.objects.filter(Q(vectors__isnull=True) | ~Q(embedder_name=name)).order_by("-article_id")[
                :16
            ]
        )
        if not todo:
            break
        for insight in todo:
            store_vectors(insight)
            done += 1
    return done


def ask(article: Article, question: str) -> Answer | None:
    """Answer a reader's question from the article's own sentences; None when it has no panel."""
    insight = Insight.objects.filter(article=article).first()
    if insight is None or insight.text_fingerprint != article.content_fingerprint:
        if panel_for(article) is None:
            return None
        insight = Insight.objects.get(article=article)
    vectors = stored_vectors(insight)
    if vectors is None:
        vectors = store_vectors(insight)
    passages = [Passage(s["text"], s["index"]) for s in insight.data["sentences"]]
    return answer(
        question[:500], passages, embedder=get_embedder(), embeddings=vectors, published=article.published_at
    )
