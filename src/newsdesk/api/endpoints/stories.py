"""/api/stories: stories newest first, the front page's ranking, and one story with its members."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from newsdesk.api import pagination
from newsdesk.api.errors import responses
from newsdesk.api.pagination import Cursor
from newsdesk.api.schemas import MAX_ID, StoryDetail, StoryOut, StoryPage
from newsdesk.api.serialize import story_detail, story_out
from newsdesk.articles.models import FINAL_STAGE, OLDEST_FIRST, Article
from newsdesk.stories.models import Story
from newsdesk.stories.ranking import front_stories

router = Router(tags=["stories"])
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_MEMBERS = 500


@router.get("", response={200: StoryPage, **responses(400)}, summary="Stories, newest first")
def list_stories(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    # Newest first by creation (the id): a story that grows does not move between pages.
    rows, next_cursor = pagination.page(
        Story.objects.filter(article_count__gt=0), ["pk"], [int], cursor, limit
    )
    return {"items": [story_out(request, s) for s in rows], "next_cursor": next_cursor}


@router.get("/front", response={200: list[StoryOut], **responses()}, summary="The front page's ranking")
def front(request: HttpRequest, limit: Annotated[int, Query(ge=1, le=100)] = 30):
    return [story_out(request, s) for s in front_stories(limit)]


@router.get(
    "/{story_id}",
    response={200: StoryDetail, **responses(404)},
    summary="One story: members, summary, timeline, coverage, entities",
)
def get_story(request: HttpRequest, story_id: StoryId):
    story = get_object_or_404(Story, pk=story_id)
    members = list(
        Article.objects.filter(story=story, stage=FINAL_STAGE)
        .select_related("source")
        .order_by(*OLDEST_FIRST)[:MAX_MEMBERS]
    )
    return story_detail(request, story, members)
