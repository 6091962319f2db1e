"""/api/articles: finished articles (copies of another are left out), newest first, and one article."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from newsdesk.api import pagination
from newsdesk.api.errors import responses
from newsdesk.api.pagination import Cursor
from newsdesk.api.schemas import MAX_ID, ArticleDetail, ArticlePage
from newsdesk.api.serialize import article_detail, article_out
from newsdesk.articles.models import FINAL_STAGE, Article

router = Router(tags=["articles"])
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def timed(qs):
    """Articles with `sort_time` (published, else discovered): the key of newest-first paging."""
    return qs.annotate(sort_time=Coalesce(F("published_at"), F("discovered_at")))


def page_of_articles(request: HttpRequest, qs, cursor: str | None, limit: int) -> dict:
    rows, next_cursor = pagination.page(
        timed(qs.select_related("source")), ["sort_time", "pk"], [datetime, int], cursor, limit
    )
    return {"items": [article_out(request, a) for a in rows], "next_cursor": next_cursor}


@router.get("", response={200: ArticlePage, **responses(400)}, summary="Articles, newest first")
def list_articles(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    source_id: OptionalId = None,
    story_id: OptionalId = None,
):
    qs = Article.objects.filter(stage=FINAL_STAGE, duplicate_of__isnull=True)
    if source_id is not None:
        qs = qs.filter(source_id=source_id)
    if story_id is not None:
        qs = qs.filter(story_id=story_id)
    return page_of_articles(request, qs, cursor, limit)


@router.get("/{article_id}", response={200: ArticleDetail, **responses(404)}, summary="One article")
def get_article(request: HttpRequest, article_id: ArticleId):
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id, stage=FINAL_STAGE)
    return article_detail(request, article)
