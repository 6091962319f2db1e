"""Pages about sources: the list with feed health, and one source with its recent articles."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from newsdesk.articles.models import NEWEST_FIRST
from newsdesk.pages.articles import visible_articles
from newsdesk.sources.models import Source


def sources(request: HttpRequest) -> HttpResponse:
    items = (
        Source.objects.select_related("publisher__icon")
        .annotate(n_articles=Count("articles"))
        .order_by("-consecutive_failures", "title", "id")
    )
    failing = sum(1 for s in items if s.health == "failing")
    return render(request, "sources/sources.html", {"sources": items, "failing": failing})


def source(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Source, pk=pk)
    articles = visible_articles().filter(source=item).order_by(*NEWEST_FIRST)[:100]
    attempts = item.attempts.all()[:20]
    return render(
        request, "sources/source.html", {"source": item, "articles": articles, "attempts": attempts}
    )
