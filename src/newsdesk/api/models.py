"""Personal API tokens and the secret keys of saved-search feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsdesk.readers.models import SavedSearch


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the token itself is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SearchFeedKey(models.Model):
    """The secret in a saved search's feed URL, so feed readers need no login; rotate to revoke."""

    search = models.OneToOneField(SavedSearch, on_delete=models.CASCADE, related_name="feed_key")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
