"""Section pages (/section/<slug>/): a section's top stories and its latest articles."""

from __future__ import annotations

from collections import defaultdict

from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from newsdesk.articles.models import (
    CARD_LEAD_CHARS,
    FINAL_STAGE,
    LIST_DEFERRED,
    LIST_RELATED,
    NEWEST_FIRST,
    OLDEST_FIRST,
    Article,
)
from newsdesk.pages.articles import visible_articles
from newsdesk.pages.cache import cached_page, depends_on
from newsdesk.readers.state import reader_state
from newsdesk.runtime import pagechanges
from newsdesk.sources.sections import section, sections, source_ids
from newsdesk.stories.section import section_stories

SECTION_STORIES = 20
SECTION_LATEST = 15


@cached_page(ttl=60)
def section_page(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, pagechanges.FRONT)
    item = section(slug)
    if item is None:
        raise Http404("no such section")
    ids = source_ids(item)
    state = reader_state(request)
    stories = [s for s in section_stories(ids, SECTION_STORIES * 2) if not state.text_muted(s.headline)]
    stories = stories[:SECTION_STORIES]
    members: dict[int, list[Article]] = defaultdict(list)
    for a in (
        Article.objects.filter(
            story__in=stories, duplicate_of__isnull=True, stage=FINAL_STAGE, source_id__in=ids
        )
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, CARD_LEAD_CHARS))
        .select_related(*LIST_RELATED)
        .order_by(*OLDEST_FIRST)
    ):
        members[a.story_id].append(a)
    leads = {s.pk: s.lead_among(members[s.pk]) for s in stories}
    latest = state.exclude_muted(visible_articles().filter(source_id__in=ids)).order_by(*NEWEST_FIRST)[
        :SECTION_LATEST
    ]
    return render(
        request,
        "stories/section.html",
        {
            "section": item,
            "cards": [(s, leads.get(s.pk)) for s in stories],
            "latest": latest,
            "n_sources": len(ids),
            "all_sections": sections(),
        },
    )
