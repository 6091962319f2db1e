"""Readers: what one account follows, mutes, saves and has read, and its own settings.

These rows are the reader state every interface shares: the site's pages, the JSON API and the
reader-app protocols (Google Reader, Fever) all read and write the same tables.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from newsdesk.articles.models import Article


class Profile(models.Model):
    """Per-account settings beside Django's User (created on first use)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    email_verified = models.BooleanField(default=False)
    time_zone = models.CharField(max_length=64, default="UTC")
    briefing_email = models.BooleanField(default=False, help_text="Send the daily Top 8 by e-mail.")
    briefing_hour = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(23)], help_text="Local hour of the daily e-mail."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"profile of {self.user}"


class StateVersion(models.Model):
    """How many times the reader's follows, mutes, bookmarks or read marks changed: web processes
    keep a reader's state between requests under this number (readers/state.py), read afresh with
    the user on every request. Only `readers/changes.py` writes it (never a form or the admin, whose
    save of an older copy would turn it back)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="state_version"
    )
    version = models.PositiveBigIntegerField(default=0)


class Follow(models.Model):
    """Something a reader follows: a source (key = its id), an entity (its slug) or a topic (a word)."""

    class Kind(models.TextChoices):
        SOURCE = "source", "Source"
        ENTITY = "entity", "Person, organisation or place"
        TOPIC = "topic", "Topic"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=300)
    label = models.CharField(max_length=300, blank=True, help_text="What the reader saw when following.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "label", "key"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.kind} {self.label or self.key}"


class Mute(models.Model):
    """Something a reader never wants to see: a source (key = its id) or a keyword."""

    class Kind(models.TextChoices):
        SOURCE = "source", "Source"
        KEYWORD = "keyword", "Keyword"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="mute_unique")]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.kind} {self.key}"


class Bookmark(models.Model):
    """An article saved for later (also the 'starred' / 'saved' state of reader apps)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="bookmark_unique")]


class ReadMark(models.Model):
    """An article the reader has read; no row means unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_marks")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_marks")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="readmark_unique")]


class SavedSearch(models.Model):
    """A search a reader keeps: its results are a feed, and new matches can call a webhook."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.CharField(max_length=500)
    # Optional filters, as on the search page: a source id, a language code.
    source_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.query}"


class RateEvent(models.Model):
    """One counted action (a failed log-in, a comment posted…) for rate limits shared by all processes.

    `key` is a keyed hash of the account name or client address, never the raw value, and rows
    older than the longest window are pruned as new ones come in.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="rateevent_lookup")]


class BriefingDelivery(models.Model):
    """The daily briefing e-mail of one reader on one local day: claimed by one worker, sent once.

    The row is created (unique per user and day) *before* the message goes out, so of several
    workers due at the same minute only the one whose insert succeeded sends. A send that failed
    leaves `sent_at` empty; its claim may be taken again when `claimed_until` has passed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="briefing_deliveries"
    )
    day = models.DateField(help_text="The reader's local date.")
    claimed_until = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    story_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-day", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="briefing_delivery_unique")]
        verbose_name_plural = "briefing deliveries"

    def __str__(self) -> str:
        return f"briefing for {self.user} on {self.day}"
