"""Moderators' decisions: hide, restore, dismiss reports, ban — each one written to the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from newsdesk.comments.models import Ban, Comment, ModerationAction
from newsdesk.comments.roles import forget_read_with, is_moderator

Action = ModerationAction.Action


class NotAllowed(Exception):
    pass


def _require(actor) -> None:
    if not is_moderator(actor):
        raise NotAllowed("Only moderators can do that.")


def _log(
    actor, action: str, comment: Comment | None = None, *, user=None, reason: str = ""
) -> ModerationAction:
    return ModerationAction.objects.create(
        action=action,
        comment=comment,
        excerpt=(comment.body[:300] if comment else ""),
        target_user=user if user is not None else (comment.author if comment else None),
        actor=actor,
        reason=reason.strip()[:500],
    )


def _resolve_reports(comment: Comment) -> None:
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def hide(actor, comment: Comment, reason: str = "") -> None:
    _require(actor)
    comment.status = Comment.Status.HIDDEN
    comment.save(update_fields=["status"])
    _resolve_reports(comment)
    _log(actor, Action.HIDE, comment, reason=reason)


@transaction.atomic
def restore(actor, comment: Comment, reason: str = "") -> None:
    """Publish a hidden or held comment; its open reports are closed."""
    _require(actor)
    was = comment.status
    comment.status = Comment.Status.VISIBLE
    comment.held_reason = ""
    comment.save(update_fields=["status", "held_reason"])
    _resolve_reports(comment)
    _log(actor, Action.APPROVE if was == Comment.Status.HELD else Action.RESTORE, comment, reason=reason)


@transaction.atomic
def dismiss(actor, comment: Comment, reason: str = "") -> None:
    """The reports were wrong: close them and leave the comment as it is."""
    _require(actor)
    _resolve_reports(comment)
    _log(actor, Action.DISMISS, comment, reason=reason)


@transaction.atomic
def ban(actor, user, *, days: int | None = None, reason: str = "", hide_comments: bool = False) -> Ban:
    """Stop `user` commenting and reporting (for `days`, or until lifted); optionally hide all they wrote."""
    _require(actor)
    if is_moderator(user) and not actor.is_superuser:
        raise NotAllowed("Only an admin can ban a moderator.")
    until = timezone.now() + timedelta(days=days) if days else None
    record, _ = Ban.objects.update_or_create(
        user=user, defaults={"until": until, "reason": reason.strip()[:500], "created_by": actor}
    )
    forget_read_with(user)
    words = f"for {days} day{'s' if days != 1 else ''}" if days else "until lifted"
    _log(actor, Action.BAN, user=user, reason=f"{words}{': ' + reason.strip() if reason.strip() else ''}")
    if hide_comments:
        for comment in Comment.objects.filter(
            author=user, status__in=[Comment.Status.VISIBLE, Comment.Status.HELD]
        ):
            comment.status = Comment.Status.HIDDEN
            comment.save(update_fields=["status"])
            _resolve_reports(comment)
            _log(actor, Action.HIDE, comment, reason="with the author's ban")
    return record


@transaction.atomic
def unban(actor, user, reason: str = "") -> None:
    _require(actor)
    Ban.objects.filter(user=user).delete()
    forget_read_with(user)
    _log(actor, Action.UNBAN, user=user, reason=reason)


def queue() -> QuerySet[Comment]:
    """Comments waiting for a decision: held ones and those with open reports, most reported first."""
    return (
        Comment.objects.annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(Q(status=Comment.Status.HELD) | Q(open_reports__gt=0, status=Comment.Status.VISIBLE))
        .select_related("author", "story", "article")
        .prefetch_related("reports")
        .order_by("-open_reports", "created_at")
    )


def recently_hidden(limit: int = 50) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(status=Comment.Status.HIDDEN)
        .select_related("author", "story", "article")
        .order_by("-id")[:limit]
    )
