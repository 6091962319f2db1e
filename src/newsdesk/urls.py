from django.contrib import admin
from django.urls import path

from newsdesk import views
from newsdesk.articles import views as articles
from newsdesk.sources import views as sources

urlpatterns = [
    path("", articles.front, name="front"),
    path("article/<int:pk>/", articles.article, name="article"),
    path("sources/", sources.sources, name="sources"),
    path("source/<int:pk>/", sources.source, name="source"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
