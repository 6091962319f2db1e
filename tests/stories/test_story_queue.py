"""A story page without its panel says where the story is in the worker's queue (most recently changed
first), and a story whose panel is current counts for nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.runtime.models import Heartbeat
from newsdesk.stories.models import Story, StoryInsight
from tests.readers import builders

pytestmark = pytest.mark.django_db


def test_story_page_says_how_many_stories_are_ahead_of_it(client) -> None:
    Heartbeat.objects.create(name="worker-1", beat_at=timezone.now())  # a live worker: pages never compute
    now = timezone.now()
    oldest = builders.story("Harbour toll rises", ["Gazette", "Herald"])
    middle = builders.story("Bridge closes for repairs", ["Gazette", "Herald"])
    newest = builders.story("Ferry strike ends", ["Gazette", "Herald"])
    for i, s in enumerate((oldest, middle, newest)):
        Story.objects.filter(pk=s.pk).update(members_changed_at=now - timedelta(minutes=10 - i))

    page = client.get(f"/story/{newest.pk}/").content.decode()
    assert "this story is next in the queue" in page
    page = client.get(f"/story/{oldest.pk}/").content.decode()
    assert "2 stories ahead of it in the queue" in page

    # The middle story's panel is made after its members last changed: no longer waiting.
    StoryInsight.objects.create(story=middle, members_fingerprint="x", data={"summary": []}, created_at=now)
    page = client.get(f"/story/{oldest.pk}/").content.decode()
    assert "1 story ahead of it in the queue" in page
