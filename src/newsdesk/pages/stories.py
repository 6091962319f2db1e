"""The front page (stories ranked by importance) and the story page ("full coverage")."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.entities import with_pages
from newsdesk.articles.models import (
    CARD_LEAD_CHARS,
    FINAL_STAGE,
    LIST_DEFERRED,
    LIST_RELATED,
    OLDEST_FIRST,
    Article,
)
from newsdesk.pages import asking
from newsdesk.pages.cache import cached_page, depends_on
from newsdesk.readers.foryou import front_cards
from newsdesk.readers.state import reader_state
from newsdesk.runtime import pagechanges
from newsdesk.runtime.health import worker_alive
from newsdesk.stories.insights import ask, story_panel, waiting_count
from newsdesk.stories.models import Story, StoryInsight
from newsdesk.stories.ranking import front_ranking
from newsdesk.stories.recluster import surviving

FRONT_PAGE_STORIES = 30


@cached_page(ttl=60)
def front(request: HttpRequest) -> HttpResponse:
    depends_on(request, pagechanges.FRONT)
    ranking = front_ranking()
    state = reader_state(request)
    if state.mutes_anything:  # muted sources and keywords never appear
        cards = front_cards(state, ranking, FRONT_PAGE_STORIES)
        return render(request, "stories/front.html", {"cards": cards})
    stories = ranking[:FRONT_PAGE_STORIES]
    members: dict[int, list[Article]] = defaultdict(list)
    for article in (
        Article.objects.filter(story__in=stories, duplicate_of__isnull=True, stage=FINAL_STAGE)
        # A card shows the lead's first words only: its whole text is not loaded, for 150 articles.
        .defer(*LIST_DEFERRED)
        .annotate(text_lead=Substr("text", 1, CARD_LEAD_CHARS))
        .select_related(*LIST_RELATED)
        .order_by(*OLDEST_FIRST)
    ):
        members[article.story_id].append(article)
    cards = [(s, s.lead_among(members[s.pk])) for s in stories]
    return render(request, "stories/front.html", {"cards": cards})


@cached_page(ttl=300)
def story(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=pk)
    depends_on(request, pagechanges.story(item.pk))
    if item.merged_into_id is not None:  # folded into another story by the repair pass
        target = surviving(item)
        if target.pk != item.pk:
            return redirect("story", pk=target.pk)
    articles = list(
        Article.objects.filter(story=item, stage=FINAL_STAGE)
        .defer(*LIST_DEFERRED)
        .select_related(*LIST_RELATED)
        .order_by(*OLDEST_FIRST)
    )
    shown = reader_state(request).visible(articles)
    hidden = len(articles) - len(shown)
    # What the reader muted is left out of the panel too: its citations, and its outlet's additions.
    hidden_outlets = {a.source.outlet_name for a in articles} - {a.source.outlet_name for a in shown}
    visible_ids = {a.pk for a in shown}
    articles = shown
    # One section per publisher (its feeds together), the outlet with most articles first.
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_outlet[a.source.outlet_id].append(a)
    outlets = sorted(
        ((items[0].source, items) for items in by_outlet.values()),
        key=lambda kv: (-len(kv[1]), kv[0].outlet_name),
    )
    diversity = _diversity([(source.outlet_name, items) for source, items in outlets])
    # Coverage timeline: articles per hour for a story of a day or two, per day for longer ones.
    # Undated articles have no bar to put; the times are the site's (TIME_ZONE), as the labels say.
    times = [timezone.localtime(a.published_at) for a in articles if a.published_at is not None]
    span_h = (max(times) - min(times)).total_seconds() / 3600 if times else 0
    hourly = span_h <= 48
    counts = Counter(
        t.replace(minute=0, second=0, microsecond=0, hour=t.hour if hourly else 0) for t in times
    )
    peak = max(counts.values(), default=1)
    timeline = [(_when(t, hourly), n, round(100 * n / peak)) for t, n in sorted(counts.items())]
    # With a worker running, the panel is its job (enrich_stories); a page never waits for it.
    insight = story_panel(item, compute=not worker_alive())
    panel = None
    if insight is not None and insight.data:
        panel = _linked(insight.data, visible_ids, hidden_outlets)
    question = " ".join((request.GET.get("ask") or "").split())[:500]
    # The extractive answer now; an LLM rewrite only from the cache or queued (pages/asking.py).
    answer = ask(item, question, insight=insight, use_llm=False) if question and panel else None
    ask_note = ""
    if answer is not None and insight is not None:
        answer.llm, ask_note = asking.llm_answer(request, item, insight, question, answer)
    earlier, later = _chain(item, request)
    return render(
        request,
        "stories/story.html",
        {
            "story": item,
            "outlets": outlets,
            "timeline": timeline,
            # One article per bar: equal bars say nothing, the times do.
            "timeline_text": _published_at(sorted(times), hourly) if peak == 1 else "",
            "unit": "hour" if hourly else "day",
            "hidden": hidden,
            "article_ids": [a.pk for a in articles],
            "panel": panel,
            "panel_note": None if panel else _panel_note(item, insight, bool(articles)),
            "llm_summary": _llm_sentences(insight.llm if insight else None, panel, visible_ids),
            "llm": insight.llm if insight else None,
            "question": question,
            "answer": answer,
            "ask_note": ask_note,
            "llm_answer": _llm_sentences(answer.llm if answer else None, panel, visible_ids),
            "earlier": earlier,
            "later": later,
            "diversity": diversity,
        },
    )


# Distinct hues for the source-diversity bar; outlets past the palette share the last (grey) one.
PALETTE = ("#0b57d0", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d", "#6b7280")


def _diversity(outlets: list[tuple[str, list[Article]]]) -> list[dict[str, object]]:
    """Each outlet's share of the story's articles, as segments of one bar (x and width in %)."""
    total = sum(len(items) for _, items in outlets) or 1
    segments, x = [], 0.0
    for i, (name, items) in enumerate(outlets):
        width = 100 * len(items) / total
        color = PALETTE[min(i, len(PALETTE) - 1)]
        segments.append(
            {"name": name, "n": len(items), "x": round(x, 2), "width": round(width, 2), "color": color}
        )
        x += width
    return segments


def _chain(item: Story, request: HttpRequest) -> tuple[Story | None, list[Story]]:
    """The story this one carries on and those that carry it on (a story spans 30 days at most), as
    they live on after any merge; a headline with a muted word is left out."""
    state = reader_state(request)
    earlier = surviving(item.continues) if item.continues is not None else None
    if earlier is not None and (earlier.pk == item.pk or state.text_muted(earlier.headline)):
        earlier = None
    later: dict[int, Story] = {}
    for s in item.continued_by.order_by("first_seen", "pk"):
        s = surviving(s)
        if s.pk != item.pk and s.article_count and not state.text_muted(s.headline):
            later.setdefault(s.pk, s)
    return earlier, list(later.values())


def _href(article_id: object, sentence_index: object) -> str:
    return f"{reverse('article', args=[int(str(article_id))])}#s-{int(str(sentence_index))}"


def _cite(item: dict[str, Any], articles: dict[str, Any]) -> dict[str, Any]:
    """A cited sentence with the link to its sentence on the article page and the article's title."""
    info = articles.get(str(item.get("article_id")), {})
    return {**item, "href": _href(item["article_id"], item["sentence_index"]), "title": info.get("title", "")}


def _panel_note(story: Story, insight: StoryInsight | None, has_articles: bool) -> str | None:
    """What is true about a missing story panel, with no promise of a time."""
    if not has_articles:
        return None
    if insight is not None and not insight.data:
        return "Every article in this story is too short for a summary."
    ahead = waiting_count(story)
    if not ahead:
        return "The story panel is not made yet: this story is next in the queue."
    stories = "stories" if ahead != 1 else "story"
    return f"The story panel is not made yet: {ahead} {stories} ahead of it in the queue."


def _linked(data: dict[str, Any], visible_ids: set[int], hidden_outlets: set[str]) -> dict[str, Any]:
    """The stored panel with every citation resolved to a link, for the template; citations of
    articles the reader does not see (mutes) are left out."""
    arts = data.get("articles", {})

    def cites(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [_cite(s, arts) for s in items if int(str(s.get("article_id"))) in visible_ids]

    disagreements = [{**d, "values": cites(d["values"])} for d in data["disagreements"]]
    return {
        **data,
        "summary": cites(data["summary"]),
        "outlet_additions": [
            (source, cites(items))
            for source, items in data["outlet_additions"].items()
            if source not in hidden_outlets
        ],
        "disagreements": [d for d in disagreements if len(d["values"]) > 1],
        "timeline": cites(data["timeline"]),
        **_entities_by_kind(data["entities"]),
    }


def _entities_by_kind(entities: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """People, organisations and places; only those with an entity page (`with_pages`) are links."""
    pages = with_pages(e["slug"] for e in entities)
    marked = [{**e, "has_page": e["slug"] in pages} for e in entities]
    return {
        key: [e for e in marked if e["kind"] == kind]
        for key, kind in (("people", "person"), ("organisations", "organisation"), ("places", "place"))
    }


def _llm_sentences(
    llm: dict[str, Any] | None, panel: dict[str, Any] | None, visible_ids: set[int]
) -> list[dict[str, Any]]:
    """The LLM's kept sentences with their citations linked; empty when there is none to show.
    A sentence that rests only on articles the reader muted is left out."""
    if not llm or "error" in llm or "pending" in llm or panel is None:
        return []
    arts = panel.get("articles", {})
    out = []
    for s in llm.get("sentences", []):
        cited = [
            _cite(c, arts)
            for c in s["citations"]
            if "article_id" in c and int(str(c["article_id"])) in visible_ids
        ]
        if cited:
            out.append({"text": s["text"], "citations": cited})
    return out


def _when(t: datetime, hourly: bool) -> str:
    """A timeline label as a reader writes it: "31 May 03:00" within two days, else "31 May 2025"."""
    return f"{t.day} {t:%b} {t:%H}:00" if hourly else f"{t.day} {t:%b %Y}"


def _published_at(times: list[datetime], hourly: bool) -> str:
    """The times of a story whose articles each came in an hour (or a day) of their own, in words."""
    if len(times) < 2:
        return ""
    when = [f"{t.day} {t:%b %H:%M}" if hourly else f"{t.day} {t:%b %Y}" for t in times]
    return f"Published {', '.join(when[:-1])} and {when[-1]} ({timezone.get_current_timezone_name()})."
