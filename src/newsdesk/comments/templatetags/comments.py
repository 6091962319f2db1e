"""`{% comments_for story_or_article %}` renders a discussion with its form; counts for story cards."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from newsdesk.articles.models import Article
from newsdesk.comments.posting import (
    can_edit,
    count_for,
    counts_for_stories,
    discussion,
    thread,
    why_cannot_comment,
)
from newsdesk.comments.roles import is_moderator
from newsdesk.readers.holes import hole, personal
from newsdesk.stories.models import Story

register = template.Library()


def _vary(request: Any, kind: str, pk: int, empty: bool = False) -> tuple[Any, ...] | None:
    """A discussion with no comment looks the same to every reader the gate answers alike; one with
    comments depends on who reads it (their own, a moderator's view) and is rendered each time."""
    if not empty or request is None:
        return None
    user = request.user
    return (user.is_authenticated, why_cannot_comment(user), request.path)


@hole("comments", vary=_vary)
def _comments(request: Any, csrf_token: Any, kind: str, pk: int, empty: bool = False) -> str:
    """The discussion of a story or an article as this request's reader sees it (their own comments
    can be edited, a moderator sees more, the form or why there is none). `empty`: the page was made
    when the discussion had no comment at all (a comment remakes the page), so none is looked up."""
    model = Story if kind == "story" else Article
    target = model(pk=pk) if empty else model.objects.filter(pk=pk).first()
    if target is None:
        return ""
    user = request.user if request is not None else None
    return render_to_string(
        "comments/thread.html",
        {
            "request": request,
            "user": user,
            "csrf_token": csrf_token,
            "nodes": thread(target, user) if user is not None and not empty else [],
            "count": 0 if empty else count_for(target),
            "target_key": f"{kind}:{target.pk}",
            "kind": kind,
            "cannot": why_cannot_comment(user) if user is not None else "Log in to comment.",
            "moderator": is_moderator(user) if user is not None else False,
        },
    )


@register.simple_tag(takes_context=True)
def comments_for(context: Any, target: Any) -> SafeString:
    empty = not discussion(target).exists()
    return personal(
        context, "comments", "story" if isinstance(target, Story) else "article", target.pk, empty
    )


@register.simple_tag
def comment_count(target) -> int:
    return count_for(target)


@register.simple_tag
def story_comment_counts(cards) -> dict[int, int]:
    """Counts for a front page's cards ((story, lead) pairs or stories) in two queries."""
    ids = [(c[0] if isinstance(c, tuple | list) else c).pk for c in cards]
    return counts_for_stories(ids)


@register.filter
def count_of(counts: dict[int, int], pk: int) -> int:
    return counts.get(pk, 0) if counts else 0


@register.filter
def editable_by(comment, user) -> bool:
    return bool(user) and can_edit(user, comment)
