"""Reader-facing pages for articles: the front page and the article page."""

from __future__ import annotations

from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from newsdesk.articles.models import Article, Stage

PAGE_SIZE = 50


def visible_articles():
    """Finished articles that are not copies of another (copies show as 'also published by')."""
    return Article.objects.filter(stage=Stage.DEDUPLICATED, duplicate_of__isnull=True).select_related(
        "source"
    )


def front(request: HttpRequest) -> HttpResponse:
    page = Paginator(visible_articles().order_by("-published_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    days = [
        (day, list(items))
        for day, items in groupby(page.object_list, key=lambda a: timezone.localdate(a.display_time))
    ]
    return render(request, "articles/front.html", {"page": page, "days": days})


def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Article.objects.select_related("source", "duplicate_of__source"), pk=pk)
    primary = item.duplicate_of or item
    # Everyone who printed this story: the primary and all its copies, except the one shown.
    copies = (
        Article.objects.filter(Q(pk=primary.pk) | Q(duplicate_of=primary))
        .exclude(pk=item.pk)
        .select_related("source")
        .order_by("published_at", "id")
    )
    also_in_feeds = item.sightings.select_related("source").exclude(source=item.source)
    return render(
        request,
        "articles/article.html",
        {"article": item, "copies": copies, "also_in_feeds": also_in_feeds},
    )
