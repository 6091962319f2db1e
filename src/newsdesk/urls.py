from django.contrib import admin
from django.urls import include, path

from newsdesk.articles import views as articles
from newsdesk.operations import views as operations
from newsdesk.sources import views as sources
from newsdesk.stories import views as stories

urlpatterns = [
    path("", stories.front, name="front"),
    path("latest/", articles.latest, name="latest"),
    path("story/<int:pk>/", stories.story, name="story"),
    path("search/", articles.search_page, name="search"),
    path("search.json", articles.search_json, name="search-json"),
    path("article/<int:pk>/", articles.article, name="article"),
    path("sources/", sources.sources, name="sources"),
    path("source/<int:pk>/", sources.source, name="source"),
    path("entity/<str:slug>/", articles.entity, name="entity"),
    path("healthz", operations.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("newsdesk.readers.accounts")),
    path("", include("newsdesk.comments.urls")),
    path("", include("newsdesk.readers.urls")),
    path("", include("newsdesk.api.urls")),
    path("", include("newsdesk.readersync.urls")),
    path("", include("newsdesk.webhooks.urls")),
    path("metrics", operations.metrics, name="metrics"),
]
