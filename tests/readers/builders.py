"""Stories and articles written straight to the database, with the AI panel a worker would store.

For reader tests that need no extraction or embeddings: each article is finished (final stage), its
story's counts are computed by the real `refresh_story`, and its `Insight` holds a cited summary and
the entities it names, in the shape `pipeline.ai.panel.ArticlePanel.to_dict()` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.articles.entities import index_article
from newsdesk.articles.models import FINAL_STAGE, Article, Insight
from newsdesk.readers.matching import entity_slug
from newsdesk.sources.models import Source
from newsdesk.stories.assign import refresh_story
from newsdesk.stories.models import Story


def source(name: str) -> Source:
    slug = name.lower().replace(" ", "")
    found, _ = Source.objects.get_or_create(
        canonical_url=f"{slug}.example/feed", defaults={"url": f"https://{slug}.example/feed", "title": name}
    )
    return found


def story(
    headline: str,
    outlets: Sequence[str],
    *,
    when: datetime | None = None,
    people: Sequence[str] = (),
    places: Sequence[str] = (),
    dek: str = "",
    per_outlet: int = 1,
) -> Story:
    """A story covered by `outlets` (one article each, `per_outlet` more each), newest at `when`."""
    when = when or timezone.now() - timedelta(hours=1)
    s = Story.objects.create(headline=headline, first_seen=when, last_updated=when)
    n = 0
    for i, name in enumerate(outlets):
        for j in range(per_outlet):
            text = (
                f"{headline}, {name} reports. "
                + " ".join(f"{p} said the plans for {headline.lower()} were ready." for p in people)
                + f" Officials in {', '.join(places) or 'the capital'} confirmed the details on Monday."
            )
            a = Article.objects.create(
                source=source(name),
                guid=f"{headline}-{name}-{j}",
                url=f"https://{name.lower().replace(' ', '')}.example/{s.pk}/{j}",
                title=f"{headline} ({name})" if i or j else headline,
                description=dek or f"{name} on {headline.lower()}.",
                text=text,
                published_at=when - timedelta(minutes=10 * n),
                stage=FINAL_STAGE,
                story=s,
                content_fingerprint=f"fp-{s.pk}-{n}",
            )
            data = panel(a, people, places)
            Insight.objects.create(article=a, data=data, text_fingerprint=a.content_fingerprint)
            index_article(a, data)  # the entity index, as the worker writes it with the panel
            n += 1
    refresh_story(s)
    s.refresh_from_db()
    return s


def panel(article: Article, people: Sequence[str], places: Sequence[str]) -> dict:
    sentences = [s.strip() + "." for s in article.text.split(".") if s.strip()]

    def entities(names: Sequence[str], kind: str) -> list[dict]:
        return [
            {
                "name": n,
                "kind": kind,
                "slug": entity_slug(n),
                "count": 2,
                "aliases": [],
                "sentence_indices": [1],
            }
            for n in names
        ]

    return {
        "title": article.title,
        "sentences": [{"text": t, "index": i} for i, t in enumerate(sentences)],
        "summary": [{"text": t, "sentence_index": i} for i, t in enumerate(sentences[:2])],
        "key_facts": [],
        "people": entities(people, "person"),
        "organisations": [],
        "places": entities(places, "place"),
        "other_entities": [],
        "timeline": [],
        "word_count": len(article.text.split()),
        "reading_time_minutes": 1,
        "hashtags": [],
        "suggested_questions": [],
    }
