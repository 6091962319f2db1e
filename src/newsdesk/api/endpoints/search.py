"""/api/search: full text and meaning, fused (articles/search.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BeforeValidator

from newsdesk.api.errors import responses
from newsdesk.api.schemas import MAX_ID, PRINTABLE, SearchOut
from newsdesk.api.serialize import article_out
from newsdesk.articles.search import Filters, search

router = Router(tags=["search"])
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    # pydantic would also take a number of seconds ("0.0" is 1970-01-01); the schema says a date.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _day(value: date | None, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@router.get("", response={200: SearchOut, **responses()}, summary="Search articles")
def search_articles(
    request: HttpRequest,
    q: Annotated[str, Query(min_length=1, max_length=500, pattern=PRINTABLE)],
    source_id: Annotated[list[int] | None, Query(max_length=20)] = None,
    language: Annotated[str, Query(max_length=16, pattern=r"^[A-Za-z-]*$")] = "",
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
):
    ids = tuple(i for i in (source_id or []) if 1 <= i <= MAX_ID)
    hits = search(
        q,
        Filters(source_ids=ids, since=_day(since), until=_day(until, end=True), language=language),
        limit=limit,
    )
    return {
        "query": q,
        "items": [
            {
                "article": article_out(request, h.article),
                "score": h.score,
                "snippet_html": h.snippet_html,
                "matched_by": h.matched_by,
            }
            for h in hits
        ],
    }
