"""/api/me: the caller's follows, mutes, bookmarks, read state and saved searches (readers' models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.db import IntegrityError, transaction
from django.http import HttpRequest
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
from newsdesk.readers.models import Bookmark, Follow, Mute, ReadMark, SavedSearch
from newsdesk.readers.personal import (
    MAX_FOLLOWS,
    MAX_MUTES,
    MAX_SAVED_SEARCHES,
    SOURCE_ID_RE,
    follow_key,
    follow_label,
    not_followable,
)

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


def _stored_key(kind: str, raw: str, noun: str) -> str:
    """The key as the site's pages store it (`follow_key`), or the error that says why there is none:
    404 for a source id no source has, 422 `invalid_key` for a key its kind's rules refuse."""
    key = follow_key(kind, raw)
    if key is not None:
        return key
    bare = " ".join(raw.split())
    if kind == "source" and SOURCE_ID_RE.fullmatch(bare):
        raise ApiError(404, f"there is no source with id {bare}", details={"kind": kind, "key": bare})
    raise ApiError(422, not_followable(kind, noun), code="invalid_key", details={"kind": kind, "key": raw})


def _room_for_one(
    model: type[Follow] | type[Mute] | type[SavedSearch], request: HttpRequest, limit: int, what: str
) -> None:
    """The site's caps: a reader's lists stay short (each mute is checked against every article they
    are shown, each saved search runs whenever its feed is polled)."""
    if model.objects.filter(user=request.user).count() >= limit:
        raise ApiError(
            409, f"you have {limit} {what} already; delete some first", code="limit", details={"limit": limit}
        )


@router.post(
    "/follows",
    response={201: FollowOut, **responses(401, 404, 409)},
    summary="Follow something",
    description="404: no source has that id. 422 `invalid_key`: the key does not fit its kind.",
)
def add_follow(request: HttpRequest, body: FollowIn):
    key = _stored_key(body.kind, body.key, "follow")
    _room_for_one(Follow, request, MAX_FOLLOWS, "follows")
    try:
        with transaction.atomic():
            row = Follow.objects.create(
                user=request.user, kind=body.kind, key=key, label=follow_label(body.label, key)
            )
    except IntegrityError as exc:
        raise ApiError(409, "already followed", code="exists") from exc
    return Status(201, row)


@router.delete("/follows/{follow_id}", response={204: None, **responses(401, 404)}, summary="Unfollow")
def delete_follow(request: HttpRequest, follow_id: RowId):
    get_object_or_404(Follow, pk=follow_id, user=request.user).delete()
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
    key = _stored_key(body.kind, body.key, "mute")
    _room_for_one(Mute, request, MAX_MUTES, "mutes")
    try:
        with transaction.atomic():
            row = Mute.objects.create(user=request.user, kind=body.kind, key=key)
    except IntegrityError as exc:
        raise ApiError(409, "already muted", code="exists") from exc
    return Status(201, row)


@router.delete("/mutes/{mute_id}", response={204: None, **responses(401, 404)}, summary="Unmute")
def delete_mute(request: HttpRequest, mute_id: RowId):
    get_object_or_404(Mute, pk=mute_id, user=request.user).delete()
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
    try:
        with transaction.atomic():
            row = Bookmark.objects.create(user=request.user, article=article)
    except IntegrityError as exc:
        raise ApiError(409, "already bookmarked", code="exists") from exc
    return Status(201, _bookmark_out(request, row))


@router.delete("/bookmarks/{bookmark_id}", response={204: None, **responses(401, 404)}, summary="Remove")
def delete_bookmark(request: HttpRequest, bookmark_id: RowId):
    get_object_or_404(Bookmark, pk=bookmark_id, user=request.user).delete()
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
    ids = set(Article.objects.filter(pk__in=set(body.article_ids)).values_list("pk", flat=True))
    have = set(
        ReadMark.objects.filter(user=request.user, article_id__in=ids).values_list("article_id", flat=True)
    )
    ReadMark.objects.bulk_create(
        [ReadMark(user=request.user, article_id=pk) for pk in sorted(ids - have)], ignore_conflicts=True
    )
    return {"changed": len(ids - have)}


@router.post("/unread", response={200: ReadCountOut, **responses(401)}, summary="Mark articles unread")
def mark_unread(request: HttpRequest, body: ReadIn):
    deleted, _ = ReadMark.objects.filter(user=request.user, article_id__in=set(body.article_ids)).delete()
    return {"changed": deleted}


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
    _room_for_one(SavedSearch, request, MAX_SAVED_SEARCHES, "saved searches")
    row = SavedSearch.objects.create(
        user=request.user, name=body.name, query=body.query, source_id=body.source_id, language=body.language
    )
    return Status(201, _search_out(request, row))


@router.delete(
    "/saved-searches/{search_id}",
    response={204: None, **responses(401, 404)},
    summary="Delete a saved search (its feed stops)",
)
def delete_saved_search(request: HttpRequest, search_id: RowId):
    get_object_or_404(SavedSearch, pk=search_id, user=request.user).delete()
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
