"""/api/briefing: the day's top stories."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from newsdesk.api.briefing import briefing_stories
from newsdesk.api.errors import responses
from newsdesk.api.schemas import BriefingOut
from newsdesk.api.serialize import story_out

router = Router(tags=["briefing"])


@router.get("", response={200: BriefingOut, **responses()}, summary="The briefing: today's top 8 stories")
def briefing(request: HttpRequest):
    stories = briefing_stories(request.user)
    return {"generated_at": timezone.now(), "stories": [story_out(request, s) for s in stories]}
