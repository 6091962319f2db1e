"""The briefing (the day's top stories) for the JSON API; the briefing feeds (api/feedkinds.py) call
`readers.briefing.top_stories` themselves, for the citations and the signed `?u=`.

It is the readers app's own briefing (`newsdesk.readers.briefing.top_stories`, personal: follows
lift a story, mutes hide it).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from newsdesk.readers.briefing import top_stories
from newsdesk.readers.state import load_state
from newsdesk.stories.models import Story

TOP = 8


def briefing_stories(user: AbstractBaseUser | AnonymousUser | None = None) -> list[Story]:
    """The briefing's stories, most important first; personal when `user` is a signed-in reader."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    return [item.story for item in top_stories(load_state(user_id), n=TOP).items]
