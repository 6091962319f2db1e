"""/api/me: the caller's follows, mutes, bookmarks, read state and saved searches (readers' models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from newsdesk.api import pagination, tokens
from newsdesk.api.auth import AUTH
from newsdesk.api.endpoints.articles import Cursor, Limit
from newsdesk.api.errors import ApiError, responses
from newsdesk.api.schemas import (
    MAX_ID,
    BookmarkIn,
    BookmarkOut,
    BookmarkPage,
    FollowIn,
    FollowOut,
    MeOut,
    MuteIn,
    MuteOut,
    ReadCountOut,
    ReadIn,
    ReadPage,
    SavedSearchIn,
    SavedSearchOut,
)
from newsdesk.api.serialize import absolute, article_out
from newsdesk.articles.models import Article
from newsdesk.readers import changes
from newsdesk.readers.models import Bookmark, Follow, Mute, ReadMark, SavedSearch

router = Router(tags=["reader"], auth=AUTH)
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_ROWS = 1000  # follows, mutes and saved searches are short lists: no paging


@router.get("", response={200: MeOut, **responses(401)}, summary="Who am I")
def me(request: HttpRequest):
    u = request.user
    return {"id": u.pk, "username": u.get_username(), "is_staff": u.is_staff}


# --- follows and mutes ---------------------------------------------------------------------------------


@router.get("/follows", response={200: list[FollowOut], **responses(401)}, summary="What I follow")
def list_follows(request: HttpRequest):
    return list(Follow.objects.filter(user=request.user)[:MAX_ROWS])


PLURAL = {"follow": "follows", "mute": "mutes", "search": "saved searches"}


def _refused(refused: changes.Refused, what: str) -> ApiError:
    """The API's answer to a change the rules refuse (readers/changes.py): 404 for a source id no
    source has, 422 `invalid_key`, 409 `limit` or `exists`."""
    if refused.code == "no_source":
        return ApiError(404, refused.message, details=refused.details)
    if refused.code == "invalid_key":
        return ApiError(422, refused.message, code="invalid_key", details=refused.details)
    if refused.code == "limit":
        limit = refused.details["limit"]
        message = f"you have {limit} {PLURAL[what]} already; delete some first"
        return ApiError(409, message, code="limit", details=refused.details)
    return ApiError(409, refused.message, code=refused.code, details=refused.details)


@router.post(
    "/follows",
    response={201: FollowOut, **responses(401, 404, 409)},
    summary="Follow something",
    description="404: no source has that id. 422 `invalid_key`: the key does not fit its kind.",
)
def add_follow(request: HttpRequest, body: FollowIn):
    try:
        row, created = changes.follow(request.user, body.kind, body.key, body.label)
    except changes.Refused as refused:
        raise _refused(refused, "follow") from None
    if not created:
        raise ApiError(409, "already followed", code="exists")
    return Status(201, row)


@router.delete("/follows/{follow_id}", response={204: None, **responses(401, 404)}, summary="Unfollow")
def delete_follow(request: HttpRequest, follow_id: RowId):
    if not changes.delete_follow(request.user, follow_id):
        raise Http404("no such follow")
    return Status(204, None)


@router.get("/mutes", response={200: list[MuteOut], **responses(401)}, summary="What I mute")
def list_mutes(request: HttpRequest):
    return list(Mute.objects.filter(user=request.user)[:MAX_ROWS])


@router.post(
    "/mutes",
    response={201: MuteOut, **responses(401, 404, 409)},
    summary="Mute a source or a keyword",
    description="404: no source has that id. 422 `invalid_key`: the key does not fit its kind.",
)
def add_mute(request: HttpRequest, body: MuteIn):
    try:
        row, created = changes.mute(request.user, body.kind, body.key)
    except changes.Refused as refused:
        raise _refused(refused, "mute") from None
    if not created:
        raise ApiError(409, "already muted", code="exists")
    return Status(201, row)


@router.delete("/mutes/{mute_id}", response={204: None, **responses(401, 404)}, summary="Unmute")
def delete_mute(request: HttpRequest, mute_id: RowId):
    if not changes.delete_mute(request.user, mute_id):
        raise Http404("no such mute")
    return Status(204, None)


# --- bookmarks and read state ---------------------------------------------------------------------------


def _bookmark_out(request: HttpRequest, b: Bookmark) -> dict:
    return {"id": b.pk, "article": article_out(request, b.article), "created_at": b.created_at}


@router.get("/bookmarks", response={200: BookmarkPage, **responses(400, 401)}, summary="My bookmarks")
def list_bookmarks(request: HttpRequest, cursor: Cursor = None, limit: Limit = 50):
    qs = Bookmark.objects.filter(user=request.user).select_related("article__source")
    rows, next_cursor = pagination.page(qs, ["pk"], [int], cursor, limit)
    return {"items": [_bookmark_out(request, b) for b in rows], "next_cursor": next_cursor}


@router.post("/bookmarks", response={201: BookmarkOut, **responses(401, 404, 409)}, summary="Bookmark")
def add_bookmark(request: HttpRequest, body: BookmarkIn):
    article = get_object_or_404(Article.objects.select_related("source"), pk=body.article_id)
    if not changes.bookmark(request.user, [article.pk]):
        raise ApiError(409, "already bookmarked", code="exists")
    row = Bookmark.objects.select_related("article__source").get(user=request.user, article=article)
    return Status(201, _bookmark_out(request, row))


@router.delete("/bookmarks/{bookmark_id}", response={204: None, **responses(401, 404)}, summary="Remove")
def delete_bookmark(request: HttpRequest, bookmark_id: RowId):
    row = get_object_or_404(Bookmark, pk=bookmark_id, user=request.user)
    changes.unbookmark(request.user, [row.article_id])
    return Status(204, None)


@router.get("/read", response={200: ReadPage, **responses(400, 401)}, summary="Articles I have read")
def list_read(request: HttpRequest, cursor: Cursor = None, limit: Limit = 50):
    qs = ReadMark.objects.filter(user=request.user)
    rows, next_cursor = pagination.page(qs, ["read_at", "pk"], [datetime, int], cursor, limit)
    return {
        "items": [{"article_id": r.article_id, "read_at": r.read_at} for r in rows],
        "next_cursor": next_cursor,
    }


@router.post("/read", response={200: ReadCountOut, **responses(401)}, summary="Mark articles read")
def mark_read(request: HttpRequest, body: ReadIn):
    return {"changed": changes.mark_read(request.user, body.article_ids)}


@router.post("/unread", response={200: ReadCountOut, **responses(401)}, summary="Mark articles unread")
def mark_unread(request: HttpRequest, body: ReadIn):
    return {"changed": changes.mark_unread(request.user, body.article_ids)}


# --- saved searches -------------------------------------------------------------------------------------


def _search_out(request: HttpRequest, s: SavedSearch) -> dict:
    key = tokens.feed_key(s)
    return {
        "id": s.pk,
        "name": s.name,
        "query": s.query,
        "source_id": s.source_id,
        "language": s.language,
        "created_at": s.created_at,
        "feeds": {
            fmt: absolute(request, "feed-search", key, ext)
            for fmt, ext in (("atom", "atom"), ("rss", "rss"), ("json_feed", "json"))
        },
    }


@router.get(
    "/saved-searches",
    response={200: list[SavedSearchOut], **responses(401)},
    summary="My saved searches, each with its secret feed URLs",
)
def list_saved_searches(request: HttpRequest):
    return [_search_out(request, s) for s in SavedSearch.objects.filter(user=request.user)[:MAX_ROWS]]


@router.post(
    "/saved-searches", response={201: SavedSearchOut, **responses(401, 409)}, summary="Save a search"
)
def add_saved_search(request: HttpRequest, body: SavedSearchIn):
    try:
        row = changes.save_search(
            request.user, name=body.name, query=body.query, source_id=body.source_id, language=body.language
        )
    except changes.Refused as refused:
        raise _refused(refused, "search") from None
    return Status(201, _search_out(request, row))


@router.delete(
    "/saved-searches/{search_id}",
    response={204: None, **responses(401, 404)},
    summary="Delete a saved search (its feed stops)",
)
def delete_saved_search(request: HttpRequest, search_id: RowId):
    if not changes.delete_search(request.user, search_id):
        raise Http404("no such saved search")
    return Status(204, None)


@router.post(
    "/saved-searches/{search_id}/rotate-feed",
    response={200: SavedSearchOut, **responses(401, 404)},
    summary="New secret feed URLs (the old ones stop working)",
)
def rotate_saved_search_feed(request: HttpRequest, search_id: RowId):
    row = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    tokens.rotate_feed_key(row)
    return _search_out(request, row)
