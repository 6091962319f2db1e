"""A small multi-outlet story (written for these tests): three reports of one bridge collapse that
disagree on the death toll, each adding something of its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.sources.models import Source
from newsdesk.stories.models import Story

REPORTS = [
    (
        "Daily Planet",
        "Bridge collapse in Riverton kills 12",
        "A road bridge collapsed in Riverton on Sunday evening, killing 12 people, officials said. "
        "Rescue teams worked through the night to pull survivors from the river. "
        "Governor Maria Lopez visited the site on Monday and promised a full inquiry. "
        "The mayor declared three days of mourning for the victims. "
        "Investigators from the National Transportation Safety Board arrived on Monday morning.",
    ),
    (
        "Evening Star",
        "At least 14 dead as Riverton bridge falls",
        "At least 14 people were killed when a road bridge collapsed in Riverton on Sunday evening. "
        "Rescue teams worked through the night to free survivors from the river. "
        "Governor Lopez said the state would pay for a new crossing. "
        "Engineers had warned in 2019 that the steel cables of the bridge were badly corroded. "
        "The NTSB said its investigators would study the wreckage for several weeks.",
    ),
    (
        "Morning Post",
        "Riverton bridge disaster",
        "A bridge collapsed in Riverton on Sunday evening and 12 people were killed, the fire department "
        "said. Rescue teams searched the river through the night for survivors. "
        "The crossing over the river had been reopened after repairs only last year. "
        "Police closed the roads around the river on Monday while divers searched the wreckage.",
    ),
]
PUBLISHED = datetime(2025, 3, 3, 8, tzinfo=UTC)


def add_report(story: Story | None, outlet: str, title: str, text: str, hour: int) -> Article:
    source, _ = Source.objects.get_or_create(
        canonical_url=f"https://{outlet.lower().replace(' ', '')}.example/feed",
        defaults={"url": f"https://{outlet.lower().replace(' ', '')}.example/feed", "title": outlet},
    )
    slug = title.lower().replace(" ", "-")
    return Article.objects.create(
        source=source,
        guid=slug,
        url=f"https://{outlet.lower().replace(' ', '')}.example/{slug}",
        canonical_url=f"https://{outlet.lower().replace(' ', '')}.example/{slug}",
        title=title,
        text=text,
        published_at=PUBLISHED.replace(hour=hour),
        content_fingerprint=f"fp-{slug}"[:40],
        stage=FINAL_STAGE,
        story=story,
    )


@pytest.fixture()
def bridge_story(db) -> Story:  # type: ignore[no-untyped-def]
    story = Story.objects.create(headline="Bridge collapse in Riverton", first_seen=PUBLISHED)
    for i, (outlet, title, text) in enumerate(REPORTS):
        add_report(story, outlet, title, text, 8 + i)
    story.article_count = story.source_count = len(REPORTS)
    story.save()
    return story


def article_of(outlet: str) -> Article:
    return Article.objects.get(source__title=outlet)
