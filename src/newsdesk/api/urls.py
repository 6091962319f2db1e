"""URLs of the API (/api/…) and of the published feeds (/feeds/…)."""

from django.urls import path, register_converter

from newsdesk.api import feeds
from newsdesk.api.main import api

register_converter(feeds.FeedFormat, "feedformat")

urlpatterns = [
    path("api/", api.urls),
    path("feeds/front.<feedformat:fmt>", feeds.front, name="feed-front"),
    path("feeds/briefing.<feedformat:fmt>", feeds.briefing, name="feed-briefing"),
    path("feeds/story/<int:pk>.<feedformat:fmt>", feeds.story, name="feed-story"),
    path("feeds/source/<int:pk>.<feedformat:fmt>", feeds.source, name="feed-source"),
    path("feeds/entity/<slug:slug>.<feedformat:fmt>", feeds.entity, name="feed-entity"),
    path("feeds/search/<str:key>.<feedformat:fmt>", feeds.saved_search, name="feed-search"),
]
