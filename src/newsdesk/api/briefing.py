"""The briefing (the day's top stories): the one place the API and the feeds get it from.

When `newsdesk.readers.briefing` exists (a reader's personal briefing), point `briefing_stories` at it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from newsdesk.stories.assign import ranked
from newsdesk.stories.models import Story

TOP = 8
WINDOW = timedelta(hours=36)
CANDIDATES = 500


def briefing_stories(user: AbstractBaseUser | AnonymousUser | None = None) -> list[Story]:
    """The top stories updated in the last 36 hours, ranked as the front page ranks them."""
    since = timezone.now() - WINDOW
    recent = Story.objects.filter(article_count__gt=0, last_updated__gte=since).order_by("-last_updated")
    return ranked(list(recent[:CANDIDATES]))[:TOP]
