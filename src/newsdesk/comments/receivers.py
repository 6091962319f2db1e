"""The comments app's reactions to the readers app (connected in CommentsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from newsdesk.comments.models import Comment, ModerationAction, Report
from newsdesk.comments.posting import remove
from newsdesk.readers.signals import account_deleting


@receiver(account_deleting)
def forget_author(sender: Any, user: Any, remove_comments: bool, **kwargs: Any) -> None:
    """A deleted reader's comments stay as "deleted user" or go; their reports keep no words.

    Removed comments that have replies stay as "deleted by its author" placeholders, without their
    text, so replies keep their place.
    """
    # Their reports still count for moderators, without the words they typed.
    Report.objects.filter(reporter=user).update(note="")
    if remove_comments:
        ModerationAction.objects.filter(comment__author=user).update(excerpt="[removed by its author]")
        # Newest first, so a reply goes before the parent it would keep as a placeholder.
        for comment in Comment.objects.filter(author=user).order_by("-created_at", "-id"):
            try:
                comment.refresh_from_db()
            except Comment.DoesNotExist:
                continue
            remove(comment)
