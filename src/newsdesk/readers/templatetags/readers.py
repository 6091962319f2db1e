"""Reader buttons for any page: follow, mute, save, read state (plain POST forms with CSRF)."""

from __future__ import annotations

from typing import Any

from django import template

from newsdesk.readers.matching import entities_named_in
from newsdesk.readers.state import reader_state

register = template.Library()
ENTITY_BUTTONS = 6


def _base(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    state = reader_state(request) if request is not None else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "state": state,
        "signed_in": state is not None and state.authenticated,
        "here": request.get_full_path() if request is not None else "/",
    }


@register.inclusion_tag("readers/_follow.html", takes_context=True)
def follow_button(context: template.Context, kind: str, key: Any, label: str = "") -> dict[str, Any]:
    ctx = _base(context)
    key = str(key)
    ctx.update(kind=kind, key=key, label=label or key)
    ctx["on"] = ctx["signed_in"] and ctx["state"].follows(kind, key)
    return ctx


@register.inclusion_tag("readers/_mute.html", takes_context=True)
def mute_button(context: template.Context, kind: str, key: Any, label: str = "") -> dict[str, Any]:
    ctx = _base(context)
    key = str(key)
    ctx.update(kind=kind, key=key, label=label or key)
    ctx["on"] = ctx["signed_in"] and ctx["state"].mutes(kind, key)
    return ctx


@register.inclusion_tag("readers/_save.html", takes_context=True)
def save_button(context: template.Context, article: Any) -> dict[str, Any]:
    ctx = _base(context)
    ctx.update(
        article=article, on=ctx["signed_in"] and article is not None and article.pk in ctx["state"].bookmarked
    )
    return ctx


@register.inclusion_tag("readers/_article_actions.html", takes_context=True)
def article_actions(context: template.Context, article: Any) -> dict[str, Any]:
    """Save, read/unread, follow or mute the source, follow the people and places it names."""
    ctx = _base(context)
    ctx.update(
        article=article,
        saved=ctx["signed_in"] and article.pk in ctx["state"].bookmarked,
        is_read=ctx["signed_in"] and article.pk in ctx["state"].read,
        entities=entities_named_in([article.pk], ENTITY_BUTTONS) if ctx["signed_in"] else [],
    )
    return ctx


@register.inclusion_tag("readers/_story_actions.html", takes_context=True)
def story_actions(context: template.Context, story: Any, article_ids: Any = ()) -> dict[str, Any]:
    """Follow the people, organisations and places a story's articles name."""
    ctx = _base(context)
    ids = list(article_ids) or list(story.articles.values_list("pk", flat=True)[:200])
    ctx.update(story=story, entities=entities_named_in(ids, ENTITY_BUTTONS) if ctx["signed_in"] else [])
    return ctx


@register.filter
def is_read(article: Any, request: Any) -> bool:
    """Whether the request's reader has read the article (for a 'read' class on cards)."""
    if article is None or request is None:
        return False
    return article.pk in reader_state(request).read
