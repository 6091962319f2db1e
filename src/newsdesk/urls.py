"""The root URLconf: every face's URLs (site pages, JSON API and feeds, reader-app protocols,
operations endpoints, admin)."""

from django.contrib import admin
from django.urls import include, path

from newsdesk.operations import views as operations

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("newsdesk.pages.urls")),
    path("", include("newsdesk.api.urls")),
    path("", include("newsdesk.readersync.urls")),
    path("metrics", operations.metrics, name="metrics"),
]
