"""Webhooks: a URL called with a signed JSON body when a story starts, grows past N outlets, or
a new article matches a saved search; every call and its outcome is kept."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    class Event(models.TextChoices):
        NEW_STORY = "story.new", "A new story"
        STORY_OUTLETS = "story.outlets", "A story reaches N outlets"
        SEARCH_MATCH = "search.match", "A new article matches a saved search"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="Empty for a site-wide hook (made in the admin).",
    )
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=128, default=new_secret, help_text="Signs every body (HMAC-SHA256).")
    on_new_story = models.BooleanField(default=True)
    on_story_outlets = models.BooleanField(default=False)
    min_outlets = models.PositiveIntegerField(default=3, help_text="N for 'a story reaches N outlets'.")
    on_search_match = models.BooleanField(default=False)
    saved_search = models.ForeignKey(
        "readers.SavedSearch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Only this saved search (empty: every saved search of the hook's owner).",
    )
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.TextField(blank=True, help_text="Why the hook was turned off, in plain words.")
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def scope(self) -> str:
        return "site-wide" if self.user_id is None else f"{self.user}"


class Delivery(models.Model):
    """One event for one hook: made once (unique per hook and event key), tried until it lands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    hook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Webhook.Event.choices)
    event_key = models.CharField(max_length=200, help_text="What happened, e.g. story.new:42.")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["hook", "event_key"], name="delivery_once_per_event")]


class DeliveryAttempt(models.Model):
    """One HTTP call of a delivery: the delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
