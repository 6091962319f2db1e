"""The root URLconf: every face's URLs (site pages, JSON API and feeds, reader-app protocols,
operations endpoints, admin)."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from newsdesk.operations import views as operations
from newsdesk.pages import accounts

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says; the icon is an SVG.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    # Before the admin's own routes: its log-in is the site's throttled one (issue 14).
    path("admin/login/", accounts.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("newsdesk.pages.urls")),
    path("", include("newsdesk.api.urls")),
    path("", include("newsdesk.readersync.urls")),
    path("metrics", operations.metrics, name="metrics"),
]
