"""Comments through the API: a story's or an article's discussion, posting and deleting (comments app).

Every rule (who may comment, length, spam holds, rate limits, edit windows) is the comments app's own:
these endpoints only translate its answers into the API's error bodies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status

from newsdesk.api.auth import AUTH
from newsdesk.api.errors import ApiError, responses
from newsdesk.api.schemas import MAX_ID, Id, Text
from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.comments import posting
from newsdesk.comments.models import Comment
from newsdesk.pipeline.markup import MAX_SOURCE_CHARS
from newsdesk.readers import ratelimit
from newsdesk.stories.models import Story

router = Router(tags=["comments"])
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_COMMENTS = 1000


class CommentOut(Schema):
    id: int
    parent_id: int | None
    story_id: int | None
    article_id: int | None
    author: str
    status: str  # "visible", or "held" while a moderator has a look
    body_html: str
    created_at: datetime
    edited_at: datetime | None


class CommentIn(Schema):
    body: Text(MAX_SOURCE_CHARS, 1, lines=True)  # type: ignore[valid-type]
    parent_id: Id | None = None


def _out(c: Comment) -> dict:
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "story_id": c.story_id,
        "article_id": c.article_id,
        "author": c.author_name,
        "status": c.status,
        "body_html": c.body_html,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
    }


def _shown(target: Story | Article) -> list[dict]:
    rows = posting.discussion(target).filter(posting.SHOWN).select_related("author")[:MAX_COMMENTS]
    return [_out(c) for c in rows]


def _post(request: HttpRequest, target: Story | Article, body: CommentIn):
    parent = None
    if body.parent_id is not None:
        parent = get_object_or_404(Comment, pk=body.parent_id)
    try:
        comment = posting.post_comment(
            request.user, target, body.body, parent=parent, ip=ratelimit.client_ip(request)
        )
    except posting.RateLimited as exc:
        wait = str(exc.limited.retry_after_s)
        raise ApiError(429, exc.limited.message, headers={"Retry-After": wait}) from exc
    except posting.CommentRefused as exc:
        status = exc.status if exc.status in (400, 403, 404, 409) else 400
        raise ApiError(status, exc.message, code="comment_refused") from exc
    return Status(201, _out(comment))


@router.get(
    "/stories/{story_id}/comments",
    response={200: list[CommentOut], **responses(404)},
    summary="A story's discussion (its articles' comments included), oldest first",
)
def story_comments(request: HttpRequest, story_id: PathId):
    return _shown(get_object_or_404(Story, pk=story_id))


@router.post(
    "/stories/{story_id}/comments",
    response={201: CommentOut, **responses(401, 404)},
    auth=AUTH,
    summary="Comment on a story",
)
def post_story_comment(request: HttpRequest, story_id: PathId, body: CommentIn):
    return _post(request, get_object_or_404(Story, pk=story_id), body)


@router.get(
    "/articles/{article_id}/comments",
    response={200: list[CommentOut], **responses(404)},
    summary="An article's comments, oldest first",
)
def article_comments(request: HttpRequest, article_id: PathId):
    return _shown(get_object_or_404(Article, pk=article_id, stage=FINAL_STAGE))


@router.post(
    "/articles/{article_id}/comments",
    response={201: CommentOut, **responses(401, 404)},
    auth=AUTH,
    summary="Comment on an article",
)
def post_article_comment(request: HttpRequest, article_id: PathId, body: CommentIn):
    return _post(request, get_object_or_404(Article, pk=article_id, stage=FINAL_STAGE), body)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **responses(401, 404)},
    auth=AUTH,
    summary="Delete my comment",
)
def delete_comment(request: HttpRequest, comment_id: PathId):
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    try:
        posting.delete_comment(request.user, comment)
    except posting.CommentRefused as exc:
        raise ApiError(
            exc.status if exc.status in (400, 403, 409) else 400, exc.message, code="comment_refused"
        ) from exc
    return Status(204, None)
