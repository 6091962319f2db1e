"""Model rows → API dicts (absolute links need the request)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from newsdesk.api import entities
from newsdesk.articles.models import Article, Insight
from newsdesk.pipeline.sanitize import clean_article_html
from newsdesk.runtime import siteurl
from newsdesk.sources.models import Source
from newsdesk.stories.insights import stored_panel_data
from newsdesk.stories.models import Story


def absolute(request: HttpRequest, name: str, *args: Any) -> str:
    """A link on this site: from NEWSDESK_SITE_URL, never from the request's Host header."""
    return siteurl.absolute(reverse(name, args=args))


def source_out(s: Source) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "url": s.url,
        "title": s.title,
        "name": s.display_name,
        "site_url": s.site_url,
        "description": s.description,
        "language": s.language,
        "category": s.category,
        "active": s.active,
        "health": s.health,
        "created_at": s.created_at,
        "last_fetch_at": s.last_fetch_at,
        "next_fetch_at": s.next_fetch_at,
        "last_error": s.last_error,
    }


def article_out(request: HttpRequest, a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "url": a.url,
        "author": a.author,
        "source_id": a.source_id,
        "source_name": a.source.display_name,
        "published_at": a.published_at,
        "discovered_at": a.discovered_at,
        "language": a.language,
        "description": a.description,
        "story_id": a.story_id,
        "page_url": absolute(request, "article", a.pk),
    }


def story_out(request: HttpRequest, s: Story) -> dict[str, Any]:
    return {
        "id": s.pk,
        "headline": s.headline,
        "first_seen": s.first_seen,
        "last_updated": s.last_updated,
        "article_count": s.article_count,
        "source_count": s.source_count,
        "importance": s.importance,
        "page_url": absolute(request, "story", s.pk),
        "continues": s.continues_id,
    }


def entity_out(e: entities.EntityInfo) -> dict[str, Any]:
    return {"slug": e.slug, "name": e.name, "kind": e.kind, "articles": len(e.article_ids)}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def cited(items: list[dict[str, Any]], article_id: int | None, source: str | None) -> list[dict[str, Any]]:
    return [
        {
            "text": str(c.get("text", "")),
            "sentence_index": _int_or_none(c.get("sentence_index")) or 0,
            "article_id": _int_or_none(c.get("article_id")) or article_id,
            "source": c.get("source") or source,
        }
        for c in items
        if isinstance(c, dict)
    ]


def events(items: list[dict[str, Any]], article_id: int | None, source: str | None) -> list[dict[str, Any]]:
    return [
        {
            "value": str(e.get("value", "")),
            "granularity": str(e.get("granularity", "")),
            "expression": str(e.get("expression", "")),
            "sentence": str(e.get("sentence", "")),
            "sentence_index": _int_or_none(e.get("sentence_index")) or 0,
            "article_id": _int_or_none(e.get("article_id")) or article_id,
            "source": e.get("source") or source,
        }
        for e in items
        if isinstance(e, dict)
    ]


def article_detail(request: HttpRequest, a: Article) -> dict[str, Any]:
    insight = Insight.objects.filter(article=a).first()
    data = insight.data if insight and insight.text_fingerprint == a.content_fingerprint else {}
    name = a.source.display_name
    return {
        **article_out(request, a),
        "text": a.text,
        "content_html": clean_article_html(a.content_html, a.url),  # the allow-list on the way out
        "duplicate_of_id": a.duplicate_of_id,
        "summary": cited(data.get("summary") or [], a.pk, name),
        "key_facts": [str(f.get("text", "")) for f in data.get("key_facts") or [] if isinstance(f, dict)],
        "entities": [entity_out(e) for e in entities.entities_of([a.pk])],
        "timeline": events(data.get("timeline") or [], a.pk, name),
    }


def _from_member_panels(visible: list[Article]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Summary (of the earliest member with a panel) and everyone's timeline, from article panels."""
    panels = {
        i.article_id: i.data for i in Insight.objects.filter(article__in=visible).only("article_id", "data")
    }
    summary: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    for a in visible:
        data = panels.get(a.pk)
        if not data:
            continue
        if not summary:
            summary = cited(data.get("summary") or [], a.pk, a.source.display_name)
        timeline += events(data.get("timeline") or [], a.pk, a.source.display_name)
    return summary, timeline


def story_detail(request: HttpRequest, s: Story, members: list[Article]) -> dict[str, Any]:
    """A story with its members (earliest first); summary and timeline from the stored story panel
    where the AI desk has made one, else from the members' article panels."""
    visible = [a for a in members if a.duplicate_of_id is None]
    stored = stored_panel_data(s)
    if stored:
        summary = cited(stored.get("summary") or [], None, None)
        timeline = events(stored.get("timeline") or [], None, None)
    else:
        summary, timeline = _from_member_panels(visible)
    timeline.sort(key=lambda e: (e["value"], e["article_id"] or 0, e["sentence_index"]))
    times = [a.display_time for a in members]
    span_h = (max(times) - min(times)).total_seconds() / 3600 if times else 0
    fmt = "%Y-%m-%dT%H:00" if span_h <= 48 else "%Y-%m-%d"
    counts = Counter(t.strftime(fmt) for t in times)
    return {
        **story_out(request, s),
        "members": [article_out(request, a) for a in members],
        "summary": summary,
        "timeline": timeline,
        "coverage": [{"period": p, "articles": n} for p, n in sorted(counts.items())],
        "entities": [entity_out(e) for e in entities.entities_of([a.pk for a in visible])][:50],
    }
