"""Related articles: other outlets, other stories, within two weeks, never a copy — with a reason."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.articles.related import related_for
from newsdesk.pipeline.embeddings import to_blob
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db

RNG = np.random.default_rng(3)
CENTRE = RNG.normal(size=384).astype(np.float32)


def _near() -> bytes:
    """A vector close to CENTRE (cosine ≈ 0.9): every article here is about the same thing."""
    v = CENTRE + 0.3 * RNG.normal(size=384).astype(np.float32)
    return to_blob(v / np.linalg.norm(v))


def _article(name: str, source: Source, story: Story, *, days_ago: float = 0, **extra) -> Article:
    return Article.objects.create(
        source=source,
        guid=name,
        canonical_url=f"https://example.org/{name}",
        title=f"{name} on the Soyuz launch from Baikonur",
        text="NASA and Roscosmos launched a Soyuz crew from Baikonur in Kazakhstan.",
        stage=FINAL_STAGE,
        published_at=timezone.now() - timedelta(days=days_ago),
        embedding=_near(),
        embedded_at=timezone.now(),
        lead_entities=["Baikonur", "Kazakhstan", "NASA", "Roscosmos", "Soyuz"],
        story=story,
        **extra,
    )


def test_related_are_other_outlets_other_stories_recent_and_never_copies() -> None:
    outlets = [
        Source.objects.create(
            url=f"https://s{i}.example/", canonical_url=f"https://s{i}.example/", title=f"Outlet {i}"
        )
        for i in range(6)
    ]
    stories = [Story.objects.create(headline=f"story {i}") for i in range(6)]
    page = _article("page", outlets[0], stories[0])
    # A copy of the page under another story (a wire copy that clustering placed elsewhere).
    copy = _article("copy", outlets[1], stories[1], duplicate_of=page, duplicate_kind="near")
    same_outlet = _article("same-outlet", outlets[0], stories[2])
    same_story = _article("same-story", outlets[2], stories[0])
    too_old = _article("too-old", outlets[3], stories[3], days_ago=20)
    related = _article("related", outlets[4], stories[4], days_ago=3)
    also = _article("also", outlets[5], stories[5], days_ago=1)

    shown = related_for(page)

    assert {r.article.pk for r in shown} == {related.pk, also.pk}
    for r in shown:
        assert r.reason.startswith("shares"), r.reason
        # The closeness in words, not a cosine ("0.61 similar").
        assert r.reason.split(" · ")[1] in {
            "nearly the same report",
            "closely related",
            "on a related subject",
        }
        assert r.article.source.display_name.startswith("Outlet")  # what the list prints
    by_pk = {r.article.pk: r.reason for r in shown}
    assert "3 days earlier" in by_pk[related.pk]
    # The copy's own page never lists the article it copies.
    assert page.pk not in {r.article.pk for r in related_for(copy)}
    assert {same_outlet.pk, same_story.pk, too_old.pk}.isdisjoint(by_pk)
    # A reader who mutes one of the two gets the other, and no muted one fills its place.
    assert [r.article.pk for r in related_for(page, keep=lambda a: a.pk != also.pk)] == [related.pk]
    page.embedding = None  # not embedded yet: nothing to compare with
    assert related_for(page) == []
