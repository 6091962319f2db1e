"""URLs of the API (/api/…) and of the published feeds (/feeds/…)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path, register_converter

from newsdesk.api import feeds
from newsdesk.api.main import api

register_converter(feeds.FeedFormat, "feedformat")


def _no_such_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    body = {"error": {"code": "not_found", "message": f"no API endpoint /api/{rest}", "details": None}}
    return JsonResponse(body, status=404)


urlpatterns = [
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", _no_such_endpoint),
    path("feeds/front.<feedformat:fmt>", feeds.front, name="feed-front"),
    path("feeds/briefing.<feedformat:fmt>", feeds.briefing, name="feed-briefing"),
    path("feeds/section/<slug:slug>.<feedformat:fmt>", feeds.section, name="feed-section"),
    path("feeds/story/<int:pk>.<feedformat:fmt>", feeds.story, name="feed-story"),
    path("feeds/source/<int:pk>.<feedformat:fmt>", feeds.source, name="feed-source"),
    path("feeds/entity/<slug:slug>.<feedformat:fmt>", feeds.entity, name="feed-entity"),
    path("feeds/search/<str:key>.<feedformat:fmt>", feeds.saved_search, name="feed-search"),
]
