"""The front page (stories ranked by importance) and the story page ("full coverage")."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from newsdesk.articles.models import FINAL_STAGE, Article
from newsdesk.readers.foryou import front_cards
from newsdesk.readers.state import reader_state
from newsdesk.stories.assign import ranked
from newsdesk.stories.models import Story
from newsdesk.stories.recluster import surviving

FRONT_PAGE_STORIES = 30
CANDIDATES = 500


def front(request: HttpRequest) -> HttpResponse:
    recent = list(Story.objects.filter(article_count__gt=0).order_by("-last_updated")[:CANDIDATES])
    state = reader_state(request)
    if state.mutes_anything:  # muted sources and keywords never appear
        cards = front_cards(state, ranked(recent), FRONT_PAGE_STORIES)
        return render(request, "stories/front.html", {"cards": cards})
    stories = ranked(recent)[:FRONT_PAGE_STORIES]
    leads = {}
    for article in (
        Article.objects.filter(story__in=stories, duplicate_of__isnull=True, stage=FINAL_STAGE)
        .select_related("source")
        .order_by("published_at")
    ):
        leads.setdefault(article.story_id, article)
    cards = [(s, leads.get(s.pk)) for s in stories]
    return render(request, "stories/front.html", {"cards": cards})


def story(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=pk)
    if item.merged_into_id is not None:  # folded into another story by the repair pass
        target = surviving(item)
        if target.pk != item.pk:
            return redirect("story", pk=target.pk)
    articles = list(
        Article.objects.filter(story=item, stage=FINAL_STAGE)
        .select_related("source")
        .order_by("published_at", "pk")
    )
    shown = reader_state(request).visible(articles)
    hidden = len(articles) - len(shown)
    articles = shown
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_outlet[a.source.display_name].append(a)
    outlets = sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    # Coverage timeline: articles per hour for a story of a day or two, per day for longer ones.
    times = [a.display_time for a in articles]
    span_h = (max(times) - min(times)).total_seconds() / 3600 if times else 0
    fmt = "%Y-%m-%d %H:00" if span_h <= 48 else "%Y-%m-%d"
    counts = Counter(t.strftime(fmt) for t in times)
    peak = max(counts.values(), default=1)
    timeline = [(label, n, round(100 * n / peak)) for label, n in sorted(counts.items())]
    return render(
        request,
        "stories/story.html",
        {
            "story": item,
            "outlets": outlets,
            "timeline": timeline,
            "unit": "hour" if span_h <= 48 else "day",
            "hidden": hidden,
            "article_ids": [a.pk for a in articles],
        },
    )
