"""What each published feed holds: the front page, the briefing, a story, a source, an entity, a saved
search. Each returns a neutral `Feed` that `feedformats` writes as Atom, RSS or JSON Feed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from newsdesk.api import entities
from newsdesk.api.feedformats import Feed, FeedItem
from newsdesk.api.models import SearchFeedKey
from newsdesk.articles.models import FINAL_STAGE, NEWEST_FIRST, OLDEST_FIRST, Article
from newsdesk.articles.search import Filters, search
from newsdesk.pipeline.sanitize import clean_article_html, excerpt
from newsdesk.readers import briefing as readers_briefing
from newsdesk.readers.state import load_state
from newsdesk.runtime import siteurl
from newsdesk.sources.models import Source
from newsdesk.sources.sections import section as find_section
from newsdesk.sources.sections import source_ids
from newsdesk.stories.models import Story
from newsdesk.stories.ranking import front_stories
from newsdesk.stories.section import section_stories

ITEMS = 50
SUMMARY_CHARS = 1000
SITE = "newsdesk"


def _url(request: HttpRequest, name: str, *args: object) -> str:
    return siteurl.absolute(reverse(name, args=args))


def _article_items(request: HttpRequest, articles: Iterable[Article]) -> list[FeedItem]:
    items = []
    for a in articles:
        page = _url(request, "article", a.pk)
        items.append(
            FeedItem(
                id=page,
                title=a.title,
                link=page,
                # Text cut on text, never on markup; HTML through the article allow-list on its way
                # out whatever was stored (issue 14).
                summary=a.description or excerpt(a.feed_summary, SUMMARY_CHARS),
                content_html=clean_article_html(a.content_html, a.url),
                published=a.published_at or a.discovered_at,
                updated=a.updated_at
                if a.updated_at and a.published_at and a.updated_at > a.published_at
                else None,
                author=a.author or a.source.display_name,
                external_url=a.url,
                tags=(a.source.display_name,),
            )
        )
    return items


def _story_items(request: HttpRequest, stories: list[Story]) -> list[FeedItem]:
    leads: dict[int, Article] = {}
    for a in (
        Article.objects.filter(story__in=stories, duplicate_of__isnull=True, stage=FINAL_STAGE)
        .select_related("source")
        .order_by(*OLDEST_FIRST)
    ):
        leads.setdefault(a.story_id, a)
    items = []
    for s in stories:
        lead = leads.get(s.pk)
        page = _url(request, "story", s.pk)
        outlets = f"{s.source_count} outlet{'s' if s.source_count != 1 else ''}"
        about = (lead.description if lead else "") or (lead.title if lead else "")
        items.append(
            FeedItem(
                id=page,
                title=s.headline or (lead.title if lead else f"Story {s.pk}"),
                link=page,
                summary=f"{outlets}, {s.article_count} articles. {about}".strip(),
                published=s.first_seen,
                updated=s.last_updated,
            )
        )
    return items


def _visible(qs) -> list[Article]:
    return list(
        qs.filter(stage=FINAL_STAGE, duplicate_of__isnull=True)
        .select_related("source")
        .order_by(*NEWEST_FIRST)[:ITEMS]
    )


def front(request: HttpRequest, feed_url: str) -> Feed:
    return Feed(
        f"{SITE}: top stories",
        _url(request, "front"),
        feed_url,
        "The most covered stories now, most important first.",
        _story_items(request, front_stories(30)),
    )


def section(request: HttpRequest, feed_url: str, slug: str) -> Feed:
    """A section's top stories, ranked as on its page."""
    item = find_section(slug)
    if item is None:
        raise Http404("no such section")
    return Feed(
        f"{SITE}: {item.name}",
        _url(request, "section", slug),
        feed_url,
        f"The most covered {item.name} stories now, most important first.",
        _story_items(request, section_stories(source_ids(item), 30)),
    )


def briefing(request: HttpRequest, feed_url: str) -> Feed:
    """The Top 8 of the last 24 hours: site-wide, or a reader's own with the signed `?u=` token
    from the briefing page (their follows lift stories, their mutes hide them)."""
    state = readers_briefing.feed_state(request.GET.get("u", ""))
    today = readers_briefing.top_stories(state)
    items = []
    for rank, item in enumerate(today.items, start=1):
        page = _url(request, "story", item.story.pk)
        outlets = f"{item.outlets} outlet{'s' if item.outlets != 1 else ''}"
        items.append(
            FeedItem(
                id=f"{page}#{today.end.date().isoformat()}",  # a new entry each day it makes the cut
                title=item.story.headline or (item.lead.title if item.lead else f"Story {item.story.pk}"),
                link=page,
                summary=f"No. {rank} today, {outlets}. {item.summary_text}".strip(),
                published=item.story.first_seen,
                updated=item.story.last_updated,
            )
        )
    return Feed(
        f"{SITE}: Top 8" + (", yours" if state.user_id is not None else ""),
        _url(request, "briefing"),
        feed_url,
        "The most important stories of the last 24 hours.",
        items,
    )


def story(request: HttpRequest, feed_url: str, pk: int) -> Feed:
    item = get_object_or_404(Story, pk=pk)
    articles = _visible(Article.objects.filter(story=item))
    return Feed(
        f"{SITE}: {item.headline or f'story {pk}'}",
        _url(request, "story", pk),
        feed_url,
        f"Every outlet's article about this story ({item.source_count} outlets).",
        _article_items(request, articles),
    )


def source(request: HttpRequest, feed_url: str, pk: int) -> Feed:
    item = get_object_or_404(Source, pk=pk)
    articles = _visible(Article.objects.filter(source=item))
    return Feed(
        f"{SITE}: {item.display_name}",
        _url(request, "source", pk),
        feed_url,
        item.description or f"Articles from {item.display_name}.",
        _article_items(request, articles),
        language=item.language or "en",
    )


def entity(request: HttpRequest, feed_url: str, slug: str) -> Feed:
    info = entities.entity(slug)
    if info is None:
        raise Http404("no such entity")
    articles = _visible(entities.articles_about(slug))
    page = _url(request, "front")
    with contextlib.suppress(NoReverseMatch):  # the entity page, where the site has one
        page = _url(request, "entity", slug)
    return Feed(
        f"{SITE}: {info.name}",
        page,
        feed_url,
        f"Articles mentioning {info.name}.",
        _article_items(request, articles),
    )


def saved_search(request: HttpRequest, feed_url: str, key: str) -> Feed:
    row = SearchFeedKey.objects.select_related("search").filter(key=key).first()
    if row is None:
        raise Http404("no such feed")
    s = row.search
    filters = Filters(source_ids=(s.source_id,) if s.source_id else (), language=s.language)
    # The feed is its reader's: what they muted stays out of it, as on their search page.
    hits = search(s.query, filters, limit=ITEMS, keep=load_state(s.user_id).keep)
    articles = sorted((h.article for h in hits), key=lambda a: a.display_time, reverse=True)
    link = siteurl.absolute(reverse("search") + "?" + _query(s.query))
    return Feed(
        f"{SITE}: {s.name}",
        link,
        feed_url,
        f"Articles matching “{s.query}”.",
        _article_items(request, articles),
    )


def _query(q: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": q})
