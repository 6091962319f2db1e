"""The briefing (the day's top stories) for the JSON API; the briefing feeds (api/feedkinds.py) call
`readers.briefing.top_stories` themselves, for the citations and the signed `?u=`.

The readers app's own briefing (`newsdesk.readers.briefing.top_stories`, personal: follows lift a
story, mutes hide it) is used where it exists; otherwise the top 8 of the front page's ranking among
the stories updated in the last 36 hours.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from newsdesk.stories.assign import ranked
from newsdesk.stories.models import Story

try:
    from newsdesk.readers.briefing import top_stories as _personal_top_stories
    from newsdesk.readers.state import load_state as _load_state
except ImportError:  # the readers app has no briefing yet
    _personal_top_stories = None

TOP = 8
WINDOW = timedelta(hours=36)
CANDIDATES = 500


def briefing_stories(user: AbstractBaseUser | AnonymousUser | None = None) -> list[Story]:
    """The briefing's stories, most important first; personal when `user` is a signed-in reader."""
    if _personal_top_stories is not None:
        user_id = user.pk if user is not None and user.is_authenticated else None
        return [item.story for item in _personal_top_stories(_load_state(user_id), n=TOP).items]
    since = timezone.now() - WINDOW
    recent = Story.objects.filter(article_count__gt=0, last_updated__gte=since).order_by("-last_updated")
    return ranked(list(recent[:CANDIDATES]))[:TOP]
