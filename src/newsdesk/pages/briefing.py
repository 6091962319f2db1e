"""The briefing page (the day's Top 8, personal when signed in) and its feed's former address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from newsdesk.readers.briefing import personal_feed_url, top_stories
from newsdesk.readers.state import reader_state


def briefing_page(request: HttpRequest) -> HttpResponse:
    state = reader_state(request)
    briefing = top_stories(state)
    feed = personal_feed_url(state)
    return render(request, "readers/briefing.html", {"briefing": briefing, "feed_url": feed, "state": state})


def briefing_feed(request: HttpRequest) -> HttpResponse:
    """The feed's former address: one builder serves /feeds/briefing.atom now (query kept, so old
    personal links keep working)."""
    url = reverse("feed-briefing", args=["atom"])
    if query := request.META.get("QUERY_STRING", ""):
        url += f"?{query}"
    return HttpResponsePermanentRedirect(url)
