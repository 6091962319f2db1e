"""`{% comments_for story_or_article %}` renders a discussion with its form; counts for story cards."""

from __future__ import annotations

from django import template

from newsdesk.comments.posting import can_edit, count_for, counts_for_stories, thread, why_cannot_comment
from newsdesk.comments.roles import is_moderator
from newsdesk.stories.models import Story

register = template.Library()


@register.inclusion_tag("comments/thread.html", takes_context=True)
def comments_for(context, target):
    request = context.get("request")
    user = request.user if request is not None else None
    kind = "story" if isinstance(target, Story) else "article"
    nodes = thread(target, user) if user is not None else []
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "nodes": nodes,
        "count": count_for(target),
        "target_key": f"{kind}:{target.pk}",
        "kind": kind,
        "cannot": why_cannot_comment(user) if user is not None else "Log in to comment.",
        "moderator": is_moderator(user) if user is not None else False,
        "messages": context.get("messages"),
    }


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
