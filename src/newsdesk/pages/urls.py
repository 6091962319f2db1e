"""The site's page URLs (the root URLconf, `newsdesk/urls.py`, includes them at the site root)."""

from __future__ import annotations

from django.urls import include, path

from newsdesk.pages import (
    articles,
    briefing,
    comments,
    images,
    reader,
    sections,
    sourceadmin,
    sources,
    stories,
    webhooks,
)

comment_patterns = [
    path("comments/new/", comments.post, name="post"),
    path("comments/<int:pk>/edit/", comments.edit, name="edit"),
    path("comments/<int:pk>/delete/", comments.delete, name="delete"),
    path("comments/<int:pk>/report/", comments.report, name="report"),
    path("moderation/", comments.queue, name="queue"),
    path("moderation/comment/<int:pk>/", comments.decide, name="decide"),
    path("moderation/user/<int:user_pk>/ban/", comments.ban, name="ban"),
    path("moderation/log/", comments.audit_log, name="log"),
]

urlpatterns = [
    path("", stories.front, name="front"),
    path("latest/", articles.latest, name="latest"),
    path("story/<int:pk>/", stories.story, name="story"),
    path("section/<slug:slug>/", sections.section_page, name="section"),
    path("search/", articles.search_page, name="search"),
    path("search.json", articles.search_json, name="search-json"),
    path("article/<int:pk>/", articles.article, name="article"),
    path("sources/", sources.sources, name="sources"),
    path("source/<int:pk>/", sources.source, name="source"),
    path("sources/add/", sourceadmin.add, name="source-add"),
    path("sources/additions/<int:pk>/", sourceadmin.addition, name="source-addition"),
    path("sources/opml/", sourceadmin.opml, name="source-opml"),
    path("source/<int:pk>/edit/", sourceadmin.edit, name="source-edit"),
    path("source/<int:pk>/pause/", sourceadmin.pause, name="source-pause"),
    path("source/<int:pk>/delete/", sourceadmin.delete, name="source-delete"),
    path("source/<int:pk>/refresh/", sourceadmin.refresh, name="source-refresh"),
    path("entity/<str:slug>/", articles.entity, name="entity"),
    path("img/<str:name>", images.image, name="image"),
    path("accounts/", include("newsdesk.pages.accounts")),
    path("", include((comment_patterns, "comments"))),
    # the reader's own pages and actions
    path("for-you/", reader.for_you_page, name="for-you"),
    path("saved/", reader.saved_page, name="saved"),
    path("briefing/", briefing.briefing_page, name="briefing"),
    path("briefing/feed.atom", briefing.briefing_feed, name="briefing-feed"),
    path("me/following/", reader.following_page, name="following"),
    path("me/settings/", reader.settings_page, name="reader-settings"),
    path("me/follow/", reader.follow, name="follow"),
    path("me/mute/", reader.mute, name="mute"),
    path("me/bookmark/<int:pk>/", reader.bookmark, name="bookmark"),
    path("me/read/<int:pk>/", reader.read_state, name="read-state"),
    path("settings/webhooks/", webhooks.webhooks_settings, name="settings-webhooks"),
]
