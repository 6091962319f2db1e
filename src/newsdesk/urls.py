from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from newsdesk import views
from newsdesk.articles import views as articles
from newsdesk.readers.verified import verified_address_required
from newsdesk.readersync import views as readersync
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
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("newsdesk.readers.accounts")),
    path("", include("newsdesk.comments.urls")),
    path("", include("newsdesk.readers.urls")),
    path("", include("newsdesk.api.urls")),
    # Matched before readersync's own route: app passwords need a confirmed address (issue 14).
    path(
        "settings/apps/", login_required(verified_address_required("app passwords")(readersync.apps_settings))
    ),
    path("", include("newsdesk.readersync.urls")),
    path("", include("newsdesk.webhooks.urls")),
    path("metrics", views.metrics, name="metrics"),
]
