"""The feed views: /feeds/<kind>….<atom|rss|json>, with ETags like the API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from newsdesk.api import feedkinds
from newsdesk.api.conditional import with_etag
from newsdesk.api.feedformats import FORMATS, TITLES, render
from newsdesk.runtime import siteurl


class FeedFormat:
    """Path converter: the extension of a feed URL."""

    regex = "atom|rss|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def _view(build: Callable[..., feedkinds.Feed]) -> Callable[..., HttpResponse]:
    @require_safe
    @with_etag
    def view(request: HttpRequest, fmt: str, **kwargs: object) -> HttpResponse:
        feed = build(request, siteurl.absolute(request.get_full_path()), **kwargs)
        response = HttpResponse(render(feed, fmt), content_type=FORMATS[fmt])
        # A personal feed (signed ?u=, the briefing's) must not sit in a shared cache.
        response["Cache-Control"] = ("private" if "u" in request.GET else "public") + ", max-age=300"
        return response

    return view


front = _view(feedkinds.front)
briefing = _view(feedkinds.briefing)
section = _view(feedkinds.section)
story = _view(feedkinds.story)
source = _view(feedkinds.source)
entity = _view(feedkinds.entity)
saved_search = _view(feedkinds.saved_search)


def alternates(name: str, *args: object) -> list[tuple[str, str, str]]:
    """(content type, format title, path) of the three formats of one feed, for <link rel=alternate>."""
    return [(FORMATS[f].split(";")[0], TITLES[f], reverse(name, args=[*args, f])) for f in FORMATS]
