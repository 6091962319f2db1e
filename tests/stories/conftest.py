"""Fixtures of the story tests."""

from __future__ import annotations

import pytest

from newsdesk.stories.models import Story
from tests.stories.bridge import PUBLISHED, REPORTS, add_report


@pytest.fixture()
def bridge_story(db) -> Story:  # type: ignore[no-untyped-def]
    story = Story.objects.create(headline="Bridge collapse in Riverton", first_seen=PUBLISHED)
    for i, (outlet, title, text) in enumerate(REPORTS):
        add_report(story, outlet, title, text, 8 + i)
    story.article_count = story.source_count = len(REPORTS)
    story.save()
    return story
