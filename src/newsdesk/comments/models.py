"""Discussion: comments on stories and articles, readers' reports, bans and the moderators' audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.pipeline.markup import render_comment
from newsdesk.stories.models import Story


class Comment(models.Model):
    """A comment on a story or on an article (an article's comments also show on its story page).

    `author` is NULL once the account is deleted ("deleted user"); `body` is the Markdown the
    author typed, `body_html` its rendering, already through the allow-list.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HELD = "held", "Held for review"
        HIDDEN = "hidden", "Hidden by a moderator"
        REMOVED = "removed", "Removed by its author"

    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField()
    body_html = models.TextField()
    fingerprint = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Normalised text hash."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    held_reason = models.CharField(max_length=300, blank=True, help_text="Why it waits for review.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can hide, restore and review comments and ban commenters")]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=False, article__isnull=True)
                | Q(story__isnull=True, article__isnull=False),
                name="comment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author or 'deleted user'}"

    def save(self, *args, **kwargs) -> None:
        # The HTML is always made from the text here, whoever saves (views, admin, scripts).
        self.body_html = render_comment(self.body) if self.body else ""
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    @property
    def target(self) -> Story | Article:
        return self.story or self.article  # type: ignore[return-value]

    @property
    def author_name(self) -> str:
        return self.author.get_username() if self.author else "deleted user"


class Report(models.Model):
    """A reader's report of a comment; open until a moderator decides."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="report_once")]


class Ban(models.Model):
    """An account that may not comment or report, until `until` (NULL: until lifted)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_ban"
    )
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    @property
    def active(self) -> bool:
        return self.until is None or self.until > timezone.now()


class ModerationAction(models.Model):
    """The audit log: every moderator decision and every automatic hold, never edited."""

    class Action(models.TextChoices):
        HOLD = "hold", "Held automatically"
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Reports dismissed"
        BAN = "ban", "Banned"
        UNBAN = "unban", "Ban lifted"

    action = models.CharField(max_length=10, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    # The comment's text when the action was taken: the log still shows what was hidden.
    excerpt = models.CharField(max_length=300, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def actor_name(self) -> str:
        if self.actor_id is None:
            return "newsdesk (automatic)" if self.action == self.Action.HOLD else "deleted user"
        return self.actor.get_username()  # type: ignore[union-attr]
