"""The API object: routers, auth, rate limits, ETags and error bodies in one place."""

from __future__ import annotations

from ninja import NinjaAPI

from newsdesk.api import errors
from newsdesk.api.conditional import with_etag
from newsdesk.api.endpoints import (
    articles,
    briefing,
    comments,
    entities,
    reader,
    search,
    sources,
    stories,
    tokens,
)
from newsdesk.api.throttle import WindowThrottle

api = NinjaAPI(
    title="newsdesk API",
    version="1",
    description=(
        "Sources, articles, stories, search, entities, the briefing and the reader's own state. "
        "Reads are public; the reader's state needs a session (with CSRF on writes) or "
        "`Authorization: Bearer <personal token>`; changing sources needs a staff account. "
        'Every error is `{"error": {"code", "message", "details"}}`. Lists page with an opaque '
        "`cursor` (pass back `next_cursor`). Reads carry an ETag (send If-None-Match for a 304). "
        "Too many requests get 429 with Retry-After."
    ),
    urls_namespace="api",
    throttle=[WindowThrottle()],
    docs_url="/docs",
)
errors.install(api)
api.add_decorator(with_etag, mode="view")

api.add_router("/sources", sources.router)
api.add_router("/articles", articles.router)
api.add_router("/stories", stories.router)
api.add_router("/search", search.router)
api.add_router("/entities", entities.router)
api.add_router("/briefing", briefing.router)
api.add_router("/me", reader.router)
api.add_router("/tokens", tokens.router)
api.add_router("", comments.router)
