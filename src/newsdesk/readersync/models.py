"""Credentials reader apps log in with; never the account's own password.

A reader sets an app password (Google Reader API: ClientLogin's Passwd) and a Fever key
(md5("login:password"), as the Fever protocol defines) on /settings/apps/. Only hashes are stored:
the app password as a Django password hash, login tokens as SHA-256 (long random values, looked up
by hash), the Fever key as a salted HMAC keyed by the site's secret (credentials.py says how).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class AppCredential(models.Model):
    """One account's reader-app secrets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_app_credential"
    )
    app_password = models.CharField(max_length=200, blank=True, help_text="Django password hash.")
    fever_login = models.CharField(max_length=254, blank=True, help_text="The name typed into the app.")
    fever_key_hash = models.CharField(max_length=128, blank=True, help_text="salt$HMAC of the Fever key.")
    fever_key_bucket = models.CharField(
        max_length=4, blank=True, db_index=True, help_text="16 keyed bits of the Fever key: where to look."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reader-app credentials of {self.user}"


class AppToken(models.Model):
    """A Google Reader `Auth=` token handed out by ClientLogin (stored as its SHA-256).

    The token itself is an HMAC of `seed` under the site's secret, so a later login of the same app
    gets the same live token back without the token being stored."""

    class Dialect(models.TextChoices):
        GOOGLE = "google", "Google Reader / Miniflux"
        OLDREADER = "oldreader", "TheOldReader"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    seed = models.CharField(max_length=64, blank=True)
    client = models.CharField(max_length=200, blank=True, help_text="The app's User-Agent at login.")
    dialect = models.CharField(max_length=20, choices=Dialect.choices, default=Dialect.GOOGLE)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)


class SubscriptionLabel(models.Model):
    """A folder a reader put a followed source in from an app (else the source's category is used)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_labels")
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="reader_labels")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source", "name"], name="subscriptionlabel_unique")
        ]
