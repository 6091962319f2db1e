"""Reader-facing pages for articles: the front page and the article page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import groupby
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from newsdesk.articles.entities import ENTITY_KEYS, entity_page, with_pages
from newsdesk.articles.insights import ask, panel_for, queue_position, too_short
from newsdesk.articles.models import (
    FINAL_STAGE,
    LIST_DEFERRED,
    LIST_RELATED,
    NEWEST_FIRST,
    Article,
    EntityMention,
    PanelState,
)
from newsdesk.articles.related import more_from_story, related_for
from newsdesk.articles.search import Filters, Hit, search
from newsdesk.pages.cache import cached_page, depends_on
from newsdesk.pages.reader import mark_opened
from newsdesk.readers.state import reader_state
from newsdesk.runtime import pagechanges
from newsdesk.runtime.health import worker_alive
from newsdesk.sources.models import Source

PAGE_SIZE = 50
SEARCH_RESULTS = 20  # hits on the search page (and /search.json)


def visible_articles():
    """Finished articles that are not copies of another (copies show as 'also published by')."""
    return Article.objects.filter(stage=FINAL_STAGE, duplicate_of__isnull=True).select_related(*LIST_RELATED)


@cached_page(ttl=60)
def latest(request: HttpRequest) -> HttpResponse:
    depends_on(request, pagechanges.FRONT)
    articles = reader_state(request).exclude_muted(visible_articles())
    # Newest first, undated articles last (PostgreSQL would put NULLs first), under "Date unknown".
    newest = articles.order_by(*NEWEST_FIRST)
    page = Paginator(newest, PAGE_SIZE).get_page(request.GET.get("page"))
    days = [
        (day, list(items))
        for day, items in groupby(
            page.object_list, key=lambda a: timezone.localdate(a.published_at) if a.published_at else None
        )
    ]
    return render(request, "articles/latest.html", {"page": page, "days": days})


def _opened(request: HttpRequest, pk: int) -> None:
    """A cached article page still marks the article read for its reader."""
    if request.user.is_authenticated and pk not in reader_state(request).read:
        mark_opened(request, Article(pk=pk))


@cached_page(ttl=300, on_hit=_opened)
def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Article.objects.select_related(*LIST_RELATED, "duplicate_of__source__publisher"), pk=pk
    )
    depends_on(request, pagechanges.article(item.pk))
    if item.story_id is not None:  # "more from this story", and the comments it shares with its story
        depends_on(request, pagechanges.story(item.story_id))
    primary = item.duplicate_of or item
    # Everyone who printed this story: the primary and all its copies, except the one shown.
    # The copies' ids first (the duplicate_of index covers that lookup), then the rows by id: nearly
    # every row has duplicate_of NULL, so SQLite's statistics make fetching whole rows by
    # "duplicate_of_id = ?" look dearer than a full table scan, and it scans.
    copy_ids = [
        pk for pk in Article.objects.filter(duplicate_of=primary).order_by().values_list("pk", flat=True)
    ]
    copies = list(
        Article.objects.filter(pk__in=[pk for pk in copy_ids if pk != item.pk])
        .defer(*LIST_DEFERRED)
        .select_related("source__publisher__icon")
        .order_by()
    )
    if primary.pk != item.pk:
        copies.append(primary)
    copies.sort(
        key=lambda a: (a.published_at is not None, a.published_at.timestamp() if a.published_at else 0, a.pk)
    )
    # "Also published by" names other publishers, each once (by its earliest copy).
    seen = {item.source.outlet_id}
    copies = [c for c in copies if c.source.outlet_id not in seen and not seen.add(c.source.outlet_id)]
    # Other publishers whose feeds carried this very link (a second feed of its own publisher is not news).
    also_in_feeds = _other_publishers(
        item, [s.source for s in item.sightings.select_related("source__publisher__icon")]
    )
    # With a worker running, the panel is its job (the backlog, flow.tasks.enrich_articles); a page never
    # waits for spaCy then. Without one, the page makes it (about 0.2 s for 300 words).
    panel = panel_for(item, compute=not worker_alive())
    mark_opened(request, item)
    state = reader_state(request)
    # Muted sources and keywords never appear among related articles: ask for more, keep 5.
    related = related_for(item, keep=state.keep)
    if panel:
        _link_entities(item, panel)
    question = (request.GET.get("ask") or "").strip()[:500]
    return render(
        request,
        "articles/article.html",
        {
            "article": item,
            "copies": copies,
            "also_in_feeds": also_in_feeds,
            "related": related[:5],
            "more_from_story": state.visible(more_from_story(item)),
            "panel": panel,
            "panel_note": None if panel else _panel_note(item),
            "question": question,
            "answer": ask(item, question) if question and panel else None,
        },
    )


def _other_publishers(item: Article, sources: list[Source]) -> list[Source]:
    """One source per publisher other than the article's own, in the order seen."""
    seen = {item.source.outlet_id}
    out = []
    for s in sources:
        if s.outlet_id not in seen:
            seen.add(s.outlet_id)
            out.append(s)
    return out


def _panel_note(article: Article) -> str:
    """What is true about a missing panel, with no promise of a time the worker may not keep."""
    if too_short(article) or article.panel_state == PanelState.SHORT:
        return "This text is too short for a summary."
    if article.panel_state == PanelState.FAILED:
        return "No AI panel could be made from this text."
    if not article.is_done:
        return "The AI panel is made once this article has been processed."
    ahead = queue_position(article)
    if not ahead:
        return "The AI panel is not made yet: this article is next in the queue."
    return (
        f"The AI panel is not made yet: {ahead} article{'s' if ahead != 1 else ''} ahead of it in the queue."
    )


def _link_entities(article: Article, panel: dict[str, Any]) -> None:
    """Give each panel entity the slug of its entity page (linked across the story, so "Musk" → Elon Musk)."""
    slugs = dict(EntityMention.objects.filter(article=article).values_list("local_slug", "slug"))
    entities = [e for key in ENTITY_KEYS for e in panel.get(key) or []]
    for e in entities:
        e["link_slug"] = slugs.get(e["slug"], e["slug"])
    # Only entities with a page are links (several articles mention them); the others are plain names.
    pages = with_pages(e["link_slug"] for e in entities)
    for e in entities:
        e["has_page"] = e["link_slug"] in pages


@cached_page(ttl=300)
def entity(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, pagechanges.FRONT)
    page = entity_page(slug[:200])
    if page is None:
        raise Http404("No page for this name: fewer than a few articles mention it.")
    return render(request, "articles/entity.html", {"entity": page})


def _filters(request: HttpRequest) -> Filters:
    def day(name: str) -> datetime | None:
        value = parse_date(request.GET.get(name, "") or "")
        return datetime.combine(value, time.min, tzinfo=UTC) if value else None

    until = day("until")
    sources = tuple(int(s) for s in request.GET.getlist("source") if s.isdigit())
    return Filters(
        source_ids=sources,
        since=day("since"),
        until=until + timedelta(days=1) if until else None,
        language=(request.GET.get("lang") or "")[:8],
    )


def _search_hits(request: HttpRequest, query: str) -> list[Hit]:
    """The best SEARCH_RESULTS hits the reader does not mute (search leaves them out before it cuts)."""
    if not query:
        return []
    return search(
        query, _filters(request), limit=SEARCH_RESULTS, bodies=False, keep=reader_state(request).keep
    )


@cached_page(ttl=60)
def search_page(request: HttpRequest) -> HttpResponse:
    depends_on(request, pagechanges.FRONT)
    query = (request.GET.get("q") or "").strip()[:300]
    hits = _search_hits(request, query)
    as_stories = request.GET.get("as") == "stories"
    groups: list[tuple[object, list]] = []
    if as_stories:
        seen: dict[object, list] = {}
        for hit in hits:
            seen.setdefault(hit.article.story or hit.article, []).append(hit)
        groups = list(seen.items())
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "hits": hits,
            "as_stories": as_stories,
            "groups": groups,
            "sources": Source.objects.order_by("title"),
        },
    )


def search_json(request: HttpRequest) -> JsonResponse:
    query = (request.GET.get("q") or "").strip()[:300]
    hits = _search_hits(request, query)
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "id": h.article.pk,
                    "title": h.article.title,
                    "url": h.article.url,
                    "source": h.article.source.outlet_name,
                    "published": h.article.display_time.isoformat(),
                    "story_id": h.article.story_id,
                    "score": round(h.score, 5),
                    "matched_by": h.matched_by,
                    "snippet_html": h.snippet_html,
                }
                for h in hits
            ],
        }
    )
