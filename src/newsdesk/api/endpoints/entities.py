"""/api/entities: people, organisations and places in the news, and the articles about each."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router

from newsdesk.api import entities
from newsdesk.api.endpoints.articles import Cursor, Limit, page_of_articles
from newsdesk.api.errors import ApiError, responses
from newsdesk.api.schemas import PRINTABLE, ArticlePage, EntityOut, EntityPage
from newsdesk.api.serialize import entity_out

router = Router(tags=["entities"])
Slug = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get("", response={200: EntityPage, **responses()}, summary="Entities mentioned by most articles")
def list_entities(
    request: HttpRequest,
    prefix: Annotated[str, Query(max_length=100, pattern=PRINTABLE)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    return {"items": [entity_out(e) for e in entities.top_entities(limit, prefix.strip())]}


@router.get("/{slug}", response={200: EntityOut, **responses(404)}, summary="One entity")
def get_entity(request: HttpRequest, slug: Slug):
    info = entities.entity(slug)
    if info is None:
        raise ApiError(404, f"no entity {slug!r} in the recent news")
    return entity_out(info)


@router.get(
    "/{slug}/articles",
    response={200: ArticlePage, **responses(400, 404)},
    summary="Articles mentioning an entity, newest first",
)
def entity_articles(request: HttpRequest, slug: Slug, cursor: Cursor = None, limit: Limit = 50):
    if entities.entity(slug) is None:
        raise ApiError(404, f"no entity {slug!r} in the recent news")
    return page_of_articles(request, entities.articles_about(slug), cursor, limit)
