"""Sources: the feeds and single pages an operator follows, their fetch health, and their publishers.

A Publisher is the outlet a reader knows (The Wall Street Journal), one per registrable domain;
several feeds (WSJ World, WSJ Economy) share it, and every outlet count counts publishers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsdesk.images.models import Image
from newsdesk.pipeline.publishers import badge_letter, badge_shade


class Publisher(models.Model):
    key = models.CharField(
        max_length=300, unique=True, help_text="Registrable domain (nytimes.com), or host:port without one."
    )
    name = models.CharField(max_length=200)
    name_locked = models.BooleanField(
        default=False, help_text="Set when staff named the publisher: feeds never rename it then."
    )
    site_url = models.CharField(max_length=2000, blank=True)
    icon = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def letter(self) -> str:
        return badge_letter(self.name)

    @property
    def shade(self) -> int:
        return badge_shade(self.key)


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", "Feed"
        PAGE = "page", "Single article"
        IMPORT = "import", "Imported files"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(max_length=2000, help_text="The feed URL (or page URL) as fetched.")
    canonical_url = models.CharField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=300, blank=True, help_text="Nested categories joined by ' / '.")
    publisher = models.ForeignKey(
        Publisher, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    active = models.BooleanField(default=True, help_text="Paused sources are never fetched.")
    created_at = models.DateTimeField(default=timezone.now)

    # Conditional GET validators from the last successful fetch.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Health: what happened last, and when we try again.
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error_kind = models.CharField(max_length=40, blank=True)
    last_error = models.TextField(blank=True, help_text="Why the last fetch failed, in plain words.")
    last_warning = models.TextField(blank=True)
    refresh_interval_s = models.PositiveIntegerField(default=3600)
    ttl_minutes = models.PositiveIntegerField(null=True, blank=True)
    entries_seen = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_name(self) -> str:
        return self.title or self.canonical_url

    @property
    def outlet_name(self) -> str:
        """The publisher's name (what readers see beside an article); the feed's title without one.
        Lists load the publisher with the source (`select_related("source__publisher")`)."""
        return self.publisher.name if self.publisher_id and self.publisher else self.display_name

    @property
    def outlet_id(self) -> str:
        """What counts as one outlet: the publisher, else the feed itself."""
        return self.outlet_key(self.pk, self.publisher_id)

    @staticmethod
    def outlet_key(source_id: int, publisher_id: int | None) -> str:
        """`outlet_id` from the two ids alone, for queries that read values rather than sources."""
        return f"p{publisher_id}" if publisher_id else f"s{source_id}"

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures > 0

    @property
    def health(self) -> str:
        """One word for the sources page: new, healthy, failing or paused."""
        if not self.active:
            return "paused"
        if self.last_fetch_at is None:
            return "new"
        return "failing" if self.is_failing else "healthy"

    def is_due(self, now=None) -> bool:
        now = now or timezone.now()
        return self.active and (self.next_fetch_at is None or self.next_fetch_at <= now)

    @property
    def refresh_interval(self) -> timedelta:
        return timedelta(seconds=self.refresh_interval_s)


class FetchAttempt(models.Model):
    """One fetch of a source, kept for the feed-health page (recent history only)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    status = models.PositiveIntegerField(null=True, blank=True)
    error_kind = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    new_entries = models.PositiveIntegerField(default=0)
    updated_entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]


class SourceAddition(models.Model):
    """A URL someone asked to add (the API, the staff's form on /sources/) or to preview: a worker
    fetches it and looks for its feed, never the web request, since a page may list many candidate
    feeds, each a fetch of up to the fetch timeout. A preview stores its findings in `result` only."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        ADDED = "added", "Added"
        EXISTS = "exists", "Already followed"
        FAILED = "failed", "Could not be added"
        PREVIEWED = "previewed", "Previewed (nothing stored)"

    url = models.CharField(max_length=2000)
    category = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preview = models.BooleanField(default=False, help_text="Only look: what adding it would give.")
    follow = models.BooleanField(
        default=False,
        help_text="A reader app's subscribe (staff): feeds only; requested_by follows it once added.",
    )
    follow_title = models.CharField(max_length=300, blank=True, help_text="The reader app's name for it.")
    follow_folders = models.JSONField(
        default=list, blank=True, help_text="The reader app's folders for it, set once it is followed."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    how = models.CharField(max_length=12, blank=True, help_text="feed, discovered or article")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True, help_text="Why it could not be added, in plain words.")
    result = models.JSONField(
        default=dict, blank=True, help_text="A preview's findings: the feed's title and newest entries."
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker took it.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.status})"
