"""The comments app's reactions to the readers app, and the page changes its comments make
(connected in CommentsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsdesk.articles.models import Article
from newsdesk.comments.models import Comment, ModerationAction, Report
from newsdesk.comments.posting import remove
from newsdesk.readers.signals import account_deleting
from newsdesk.runtime import pagechanges


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


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def discussion_changed(sender: Any, instance: Comment, **kwargs: Any) -> None:
    """A comment published, edited, hidden or removed: the pages that show it, and the front page's
    counts. An article's comments also show on its story's page."""
    tags = [pagechanges.FRONT]
    if instance.story_id is not None:
        tags.append(pagechanges.story(instance.story_id))
    if instance.article_id is not None:
        tags.append(pagechanges.article(instance.article_id))
        story_id = Article.objects.filter(pk=instance.article_id).values_list("story_id", flat=True).first()
        if story_id is not None:
            tags.append(pagechanges.story(story_id))
    pagechanges.changed(*tags)
