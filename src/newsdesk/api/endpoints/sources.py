"""/api/sources: list and read for everyone; add, change, delete and refresh for staff."""

from __future__ import annotations

from typing import Annotated

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from newsdesk.api import pagination
from newsdesk.api.auth import AUTH, require_staff
from newsdesk.api.errors import ApiError, responses
from newsdesk.api.pagination import Cursor
from newsdesk.api.schemas import (
    MAX_ID,
    AdditionOut,
    HealthOut,
    QueuedOut,
    SourceIn,
    SourceOut,
    SourcePage,
    SourcePatch,
)
from newsdesk.api.serialize import absolute, source_out
from newsdesk.flow.adding import AddError, AlreadyFollowed
from newsdesk.flow.additions import request_addition
from newsdesk.flow.tasks import add_source_task, fetch_source_task
from newsdesk.sources.models import Source, SourceAddition

router = Router(tags=["sources"])
SourceId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("", response={200: SourcePage, **responses(400)}, auth=None, summary="List sources")
def list_sources(request: HttpRequest, cursor: Cursor = None, limit: Limit = 50):
    rows, next_cursor = pagination.page(Source.objects.all(), ["pk"], [int], cursor, limit, descending=False)
    return {"items": [source_out(s) for s in rows], "next_cursor": next_cursor}


def _addition_out(request: HttpRequest, a: SourceAddition) -> dict:
    return {
        "id": a.pk,
        "url": a.url,
        "category": a.category,
        "status": a.status,
        "how": a.how,
        "source": source_out(a.source) if a.source else None,
        "error": a.error,
        "created_at": a.created_at,
        "finished_at": a.finished_at,
        "status_url": absolute(request, "api:source_addition", a.pk),
    }


@router.post(
    "",
    response={202: AdditionOut, **responses(401, 403, 409, 422)},
    auth=AUTH,
    summary="Add a source (a feed, a page linking to one, or a single article): queued for a worker",
    description="The answer comes at once (202) with `status_url`; a worker fetches the URL and looks "
    "for its feed (at most 4 candidates, NEWSDESK_ADD_DEADLINE_S in all), then the status says "
    "added, exists or failed (with the reason).",
)
def add_source(request: HttpRequest, body: SourceIn):
    require_staff(request)
    try:
        addition = request_addition(body.url, category=body.category, user=request.user)
    except AlreadyFollowed as exc:
        raise ApiError(409, str(exc), code="exists", details={"id": exc.source.pk}) from exc
    except AddError as exc:
        raise ApiError(422, str(exc), code="unusable_url") from exc
    add_source_task(addition.pk)
    addition.refresh_from_db()  # done already when tasks run inline (NEWSDESK_TASKS_IMMEDIATE)
    return Status(202, _addition_out(request, addition))


@router.get(
    "/additions/{addition_id}",
    response={200: AdditionOut, **responses(401, 403, 404)},
    auth=AUTH,
    url_name="source_addition",
    summary="Where a requested addition stands",
)
def source_addition(request: HttpRequest, addition_id: SourceId):
    require_staff(request)
    return _addition_out(
        request, get_object_or_404(SourceAddition.objects.select_related("source"), pk=addition_id)
    )


@router.get("/{source_id}", response={200: SourceOut, **responses(404)}, auth=None, summary="One source")
def get_source(request: HttpRequest, source_id: SourceId):
    return source_out(get_object_or_404(Source, pk=source_id))


@router.patch(
    "/{source_id}",
    response={200: SourceOut, **responses(401, 403, 404)},
    auth=AUTH,
    summary="Rename, re-file, pause or resume a source",
)
def update_source(request: HttpRequest, source_id: SourceId, body: SourcePatch):
    require_staff(request)
    with transaction.atomic():
        source = get_object_or_404(Source.objects.select_for_update(), pk=source_id)
        changed = body.model_dump(exclude_none=True)
        for field, value in changed.items():
            setattr(source, field, value)
        if changed:
            source.save(update_fields=list(changed))
    return source_out(source)


@router.delete(
    "/{source_id}",
    response={204: None, **responses(401, 403, 404)},
    auth=AUTH,
    summary="Delete a source and its articles",
)
def delete_source(request: HttpRequest, source_id: SourceId):
    require_staff(request)
    get_object_or_404(Source, pk=source_id).delete()
    return Status(204, None)


@router.post(
    "/{source_id}/refresh",
    response={202: QueuedOut, **responses(401, 403, 404, 409)},
    auth=AUTH,
    summary="Fetch a source now (queued for the worker)",
)
def refresh_source(request: HttpRequest, source_id: SourceId):
    require_staff(request)
    source = get_object_or_404(Source, pk=source_id)
    if source.kind != Source.Kind.FEED:
        raise ApiError(409, "only feeds can be refreshed", code="not_a_feed")
    fetch_source_task(source.pk)
    return Status(202, {"queued": True, "source_id": source.pk})


@router.get(
    "/{source_id}/health",
    response={200: HealthOut, **responses(404)},
    auth=None,
    summary="Feed health: last fetch, error in plain words, next try, recent attempts",
)
def source_health(request: HttpRequest, source_id: SourceId):
    s = get_object_or_404(Source, pk=source_id)
    return {
        "id": s.pk,
        "health": s.health,
        "last_fetch_at": s.last_fetch_at,
        "last_success_at": s.last_success_at,
        "next_fetch_at": s.next_fetch_at,
        "consecutive_failures": s.consecutive_failures,
        "last_status": s.last_status,
        "last_error_kind": s.last_error_kind,
        "last_error": s.last_error,
        "last_warning": s.last_warning,
        "refresh_interval_s": s.refresh_interval_s,
        "attempts": list(s.attempts.all()[:20]),
    }
