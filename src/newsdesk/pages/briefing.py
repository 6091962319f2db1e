"""The briefing page (the day's Top 8, personal when signed in) and its feed's former address."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from newsdesk.readers.briefing import feed_link_days, personal_feed_url, top_stories
from newsdesk.readers.state import reader_state


def briefing_page(request: HttpRequest) -> HttpResponse:
    state = reader_state(request)
    briefing = top_stories(state)
    feed = personal_feed_url(state)
    context = {"briefing": briefing, "feed_url": feed, "state": state}
    if state.user_id is not None:  # a personal link: say until when it works
        context["feed_until"] = timezone.now() + timedelta(days=feed_link_days())
    return render(request, "readers/briefing.html", context)


def briefing_feed(request: HttpRequest) -> HttpResponse:
    """The feed's former address: one builder serves /feeds/briefing.atom now (query kept, so old
    personal links keep working)."""
    url = reverse("feed-briefing", args=["atom"])
    if query := request.META.get("QUERY_STRING", ""):
        url += f"?{query}"
    return HttpResponsePermanentRedirect(url)
