"""Posting, editing, deleting and reporting comments, and reading a discussion as a thread.

Views call these; each refusal is a `CommentRefused` whose message is shown to the reader as is
(or a `RateLimited` that says when to try again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.comments.models import Ban, Comment, ModerationAction, Report
from newsdesk.comments.roles import GATE, is_moderator
from newsdesk.comments.spam import fingerprint, signals
from newsdesk.pipeline.markup import MAX_SOURCE_CHARS, render_comment
from newsdesk.readers import ratelimit
from newsdesk.readers.models import Profile
from newsdesk.stories.models import Story

MAX_DEPTH = 6  # replies deeper than this attach to the deepest shown level
Target = Story | Article


class CommentRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RateLimited(Exception):
    def __init__(self, limited: ratelimit.Limited, what: str) -> None:
        super().__init__(limited.message)
        self.limited = limited
        self.what = what


def active_ban(user) -> Ban | None:
    gate = getattr(user, GATE, None)  # read with the user (comments/auth.py)
    ban = gate[1] if gate is not None else Ban.objects.filter(user=user).first()
    return ban if ban and ban.active else None


def why_cannot_comment(user) -> str | None:
    """None when `user` may comment now; else the reason in plain words."""
    if not user.is_authenticated:
        return "Log in to comment."
    if not user.is_active:
        return "This account is disabled."
    gate = getattr(user, GATE, None)
    if gate is not None:
        verified = gate[0]
    else:
        profile = Profile.objects.filter(user=user).first()
        verified = bool(profile and profile.email_verified)
    if not verified:
        return "Verify your e-mail address to comment: follow the link we sent you."
    if ban := active_ban(user):
        until = f" until {timezone.localtime(ban.until):%Y-%m-%d %H:%M %Z}" if ban.until else ""
        return f"You may not comment{until}" + (f": {ban.reason}" if ban.reason else ".")
    return None


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise CommentRefused("A comment cannot be empty.")
    if len(body) > MAX_SOURCE_CHARS:
        raise CommentRefused(
            f"A comment can be at most {MAX_SOURCE_CHARS:,} characters ({len(body):,} given)."
        )
    return body


def _limit(scope: str, value: str, setting: str, what: str) -> None:
    if limited := ratelimit.take(scope, value, ratelimit.Rate.parse(getattr(settings, setting))):
        raise RateLimited(limited, what)


def _hold_or_publish(comment: Comment, author) -> None:
    reasons = signals(author, comment.body, exclude_pk=comment.pk)
    if reasons:
        comment.status = Comment.Status.HELD
        comment.held_reason = "; ".join(reasons)[:300]


def post_comment(user, target: Target, body: str, *, parent: Comment | None = None, ip: str = "") -> Comment:
    """Publish (or hold for review) a comment by `user` on `target`, optionally replying to `parent`."""
    if reason := why_cannot_comment(user):
        raise CommentRefused(reason, status=403)
    body = _clean_body(body)
    if parent is not None:
        if parent.target != target:
            raise CommentRefused("That reply belongs to another discussion.")
        if parent.status != Comment.Status.VISIBLE and not is_moderator(user):
            raise CommentRefused("That comment can no longer be replied to.")
    _limit("comment-user", str(user.pk), "NEWSDESK_COMMENT_RATE_USER", "comments from this account")
    _limit("comment-ip", ip, "NEWSDESK_COMMENT_RATE_IP", "comments from this address")
    comment = Comment(
        story=target if isinstance(target, Story) else None,
        article=target if isinstance(target, Article) else None,
        parent=parent,
        author=user,
        body=body,
        body_html=render_comment(body),
        fingerprint=fingerprint(body),
    )
    _hold_or_publish(comment, user)
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.HELD:
            ModerationAction.objects.create(
                action=ModerationAction.Action.HOLD,
                comment=comment,
                excerpt=body[:300],
                target_user=user,
                reason=comment.held_reason,
            )
    return comment


def edit_deadline(comment: Comment):
    return comment.created_at + timedelta(minutes=settings.NEWSDESK_COMMENT_EDIT_MINUTES)


def can_edit(user, comment: Comment) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.VISIBLE, Comment.Status.HELD)
        and timezone.now() <= edit_deadline(comment)
    )


def edit_comment(user, comment: Comment, body: str) -> Comment:
    if comment.author_id != user.pk:
        raise CommentRefused("Only its author can edit a comment.", status=403)
    if not can_edit(user, comment):
        raise CommentRefused(
            f"Comments can be edited for {settings.NEWSDESK_COMMENT_EDIT_MINUTES} minutes after posting; "
            "this one can no longer be edited.",
            status=403,
        )
    if reason := why_cannot_comment(user):
        raise CommentRefused(reason, status=403)
    comment.body = _clean_body(body)
    comment.body_html = render_comment(comment.body)
    comment.fingerprint = fingerprint(comment.body)
    comment.edited_at = timezone.now()
    was_held = comment.status == Comment.Status.HELD
    reasons = signals(user, comment.body, exclude_pk=comment.pk)
    with transaction.atomic():
        if reasons and not was_held:
            comment.status = Comment.Status.HELD
            comment.held_reason = "; ".join(reasons)[:300]
            ModerationAction.objects.create(
                action=ModerationAction.Action.HOLD,
                comment=comment,
                excerpt=comment.body[:300],
                target_user=user,
                reason=f"after an edit: {comment.held_reason}",
            )
        comment.save()
    return comment


def delete_comment(user, comment: Comment) -> None:
    """The author's own delete: a comment with replies stays as '[deleted]' so the thread holds."""
    if comment.author_id != user.pk:
        raise CommentRefused("Only its author can delete a comment.", status=403)
    remove(comment)


def remove(comment: Comment) -> None:
    if comment.replies.exists():
        comment.status = Comment.Status.REMOVED
        comment.body = comment.body_html = comment.fingerprint = ""
        comment.save(update_fields=["status", "body", "body_html", "fingerprint"])
    else:
        parent = comment.parent
        comment.delete()
        # A removed parent whose last reply went away has nothing left to hold together.
        if parent is not None and parent.status == Comment.Status.REMOVED and not parent.replies.exists():
            remove(parent)


def report_comment(user, comment: Comment, reason: str, note: str = "") -> Report:
    if reason_not := why_cannot_comment(user):
        raise CommentRefused(reason_not.replace("to comment", "to report comments"), status=403)
    if comment.author_id == user.pk:
        raise CommentRefused("You cannot report your own comment; delete or edit it instead.")
    if comment.status not in (Comment.Status.VISIBLE, Comment.Status.HELD):
        raise CommentRefused("That comment is no longer shown.")
    if reason not in Report.Reason.values:
        reason = Report.Reason.OTHER
    existing = Report.objects.filter(comment=comment, reporter=user).first()
    if existing:
        return existing
    _limit("report-user", str(user.pk), "NEWSDESK_REPORT_RATE_USER", "reports from this account")
    with transaction.atomic():
        report = Report.objects.create(comment=comment, reporter=user, reason=reason, note=note.strip()[:500])
        open_reports = comment.reports.filter(resolved_at__isnull=True).count()
        if (
            comment.status == Comment.Status.VISIBLE
            and open_reports >= settings.NEWSDESK_COMMENT_REPORTS_TO_HOLD
        ):
            comment.status = Comment.Status.HELD
            comment.held_reason = f"reported by {open_reports} readers"
            comment.save(update_fields=["status", "held_reason"])
            ModerationAction.objects.create(
                action=ModerationAction.Action.HOLD,
                comment=comment,
                excerpt=comment.body[:300],
                target_user=comment.author,
                reason=comment.held_reason,
            )
    return report


# Reading ---------------------------------------------------------------------------------------


def discussion(target: Target) -> QuerySet[Comment]:
    """Every comment of a story (its own and its articles') or of one article."""
    where = Q(story=target) | Q(article__story=target) if isinstance(target, Story) else Q(article=target)
    return Comment.objects.filter(where)


SHOWN = Q(status=Comment.Status.VISIBLE)


def count_for(target: Target) -> int:
    return discussion(target).filter(SHOWN).count()


def counts_for_stories(story_ids: list[int]) -> dict[int, int]:
    """Shown comments per story, its articles' included, in two queries."""
    counts = dict(
        Comment.objects.filter(SHOWN, story_id__in=story_ids)
        .values_list("story_id")
        .annotate(n=Count("id"))
        .values_list("story_id", "n")
    )
    for story_id, n in (
        Comment.objects.filter(SHOWN, article__story_id__in=story_ids)
        .values_list("article__story_id")
        .annotate(n=Count("id"))
        .values_list("article__story_id", "n")
    ):
        counts[story_id] = counts.get(story_id, 0) + n
    return counts


@dataclass
class Node:
    comment: Comment
    show_body: bool  # False: a placeholder ("hidden by a moderator") that keeps the replies in place
    note: str = ""  # what a reader or moderator should know ("awaiting review")
    children: list[Node] = field(default_factory=list)
    depth: int = 0


def thread(target: Target, viewer) -> list[Node]:
    """The discussion as a tree, as `viewer` may see it.

    Readers see visible comments, their own held ones (marked) and nothing of hidden ones except
    a placeholder where replies hang below; moderators see everything, marked.
    """
    moderator = is_moderator(viewer)
    viewer_id = viewer.pk if viewer.is_authenticated else None
    comments = list(
        discussion(target).select_related("author", "article__source").order_by("created_at", "id")
    )
    nodes: dict[int, Node] = {}
    for c in comments:
        if c.status == Comment.Status.VISIBLE:
            nodes[c.pk] = Node(c, True)
        elif c.status == Comment.Status.HELD and (moderator or c.author_id == viewer_id):
            nodes[c.pk] = Node(
                c,
                True,
                "Awaiting review — only you and the moderators see it."
                if not moderator
                else f"Held for review: {c.held_reason}",
            )
        elif c.status == Comment.Status.HIDDEN:
            nodes[c.pk] = Node(c, moderator, "Hidden by a moderator.")
        elif c.status == Comment.Status.REMOVED:
            nodes[c.pk] = Node(c, False, "Deleted by its author.")
    roots: list[Node] = []
    for c in comments:
        node = nodes.get(c.pk)
        if node is None:
            continue
        parent = nodes.get(c.parent_id) if c.parent_id else None
        if c.parent_id and parent is None:
            continue  # the parent is not shown to this viewer, so neither is the reply
        if parent is None:
            roots.append(node)
        else:
            node.depth = min(parent.depth + 1, MAX_DEPTH)
            parent.children.append(node)

    def prune(items: list[Node]) -> list[Node]:
        # A placeholder without anything below it is noise: leave it out.
        kept = []
        for n in items:
            n.children = prune(n.children)
            if n.show_body or n.children:
                kept.append(n)
        return kept

    return prune(roots)
