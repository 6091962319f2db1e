"""URLs of the reader's own pages and actions (included at the site root)."""

from __future__ import annotations

from django.urls import path

from newsdesk.readers import briefing, personal

urlpatterns = [
    path("for-you/", personal.for_you_page, name="for-you"),
    path("saved/", personal.saved_page, name="saved"),
    path("briefing/", briefing.briefing_page, name="briefing"),
    path("briefing/feed.atom", briefing.briefing_feed, name="briefing-feed"),
    path("me/following/", personal.following_page, name="following"),
    path("me/settings/", personal.settings_page, name="reader-settings"),
    path("me/follow/", personal.follow, name="follow"),
    path("me/mute/", personal.mute, name="mute"),
    path("me/bookmark/<int:pk>/", personal.bookmark, name="bookmark"),
    path("me/read/<int:pk>/", personal.read_state, name="read-state"),
]
