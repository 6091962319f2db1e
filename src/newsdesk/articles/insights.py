"""The AI panel for an article: computed by the framework-free `pipeline.ai`, stored, and asked.

Every sentence the panel shows is one of the article's own sentences, cited by its index; answers
are cited sentences too, or a refusal ("not in the sources").
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

from newsdesk.articles.entities import index_article
from newsdesk.articles.models import FINAL_STAGE, Article, Insight
from newsdesk.pipeline.ai.ask import Answer, Passage, answer
from newsdesk.pipeline.ai.panel import explain_article
from newsdesk.runtime.embedder import get_embedder
from newsdesk.runtime.instruments import AI_LATENCY

log = logging.getLogger(__name__)
MIN_WORDS = 40  # a teaser is not worth a panel


def panel_for(article: Article, *, compute: bool = True) -> dict[str, Any] | None:
    """The stored panel, made now if missing or stale (and `compute`); None for too little text."""
    insight = Insight.objects.filter(article=article).first()
    if insight is not None and insight.text_fingerprint == article.content_fingerprint:
        return insight.data
    if not compute or len(article.text.split()) < MIN_WORDS:
        return None
    started = time.monotonic()
    try:
        data = explain_article(
            article.title,
            article.text,
            article.published_at,  # None when unknown: no relative date is resolved against import time
            embedder=get_embedder(),
            spacy_model=settings.NEWSDESK_SPACY_MODEL,
        ).to_dict()
    except (ValueError, TypeError) as exc:
        log.warning("no AI panel for article %s: %s", article.pk, exc)
        return None
    AI_LATENCY.observe(time.monotonic() - started)
    Insight.objects.update_or_create(
        article=article, defaults={"data": data, "text_fingerprint": article.content_fingerprint}
    )
    index_article(article, data)
    return data


def ask(article: Article, question: str) -> Answer | None:
    """Answer a reader's question from the article's own sentences; None when it has no panel."""
    panel = panel_for(article)
    if panel is None:
        return None
    passages = [Passage(s["text"], s["index"]) for s in panel["sentences"]]
    return answer(question[:500], passages, embedder=get_embedder(), published=article.published_at)


def enrich_pending(limit: int = 50) -> int:
    """Make panels for finished articles that have none yet (the worker runs this every minute)."""
    done = 0
    todo = (
        Article.objects.filter(stage=FINAL_STAGE, duplicate_of__isnull=True, insight__isnull=True)
        .order_by("-published_at")
        .select_related("source")[:limit]
    )
    for article in todo:
        done += panel_for(article) is not None
    return done
