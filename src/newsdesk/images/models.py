"""Images: one row per picture URL (an article's lead image, a publisher's icon), fetched once by the
worker (flow/images.py) and stored as small WebP files under NEWSDESK_HOME/images (images/store.py).

Pages read the row with their list (`select_related`), so an image costs no query of its own; the
file names are hashes of the files' bytes, so the site serves them as immutable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import models
from django.utils import timezone


class ImageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    READY = "ready", "Stored"
    FAILED = "failed", "Refused or unreachable"


class ImageKind(models.TextChoices):
    LEAD = "lead", "Lead image"
    ICON = "icon", "Publisher icon"


@dataclass(frozen=True)
class Variant:
    """One stored size of an image, as a template shows it."""

    name: str  # the file name: <sha256>.webp
    width: int
    height: int


class Image(models.Model):
    kind = models.CharField(max_length=8, choices=ImageKind.choices, default=ImageKind.LEAD)
    url = models.CharField(max_length=2000, help_text="Where the picture was found (never shown to readers).")
    url_key = models.CharField(max_length=64, unique=True, help_text="sha256 of kind and URL.")
    status = models.CharField(
        max_length=8, choices=ImageStatus.choices, default=ImageStatus.PENDING, db_index=True
    )
    error = models.CharField(max_length=300, blank=True, help_text="Why it is not shown, in plain words.")
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # variant → [file name, width, height]: "l" (lead, 720 wide), "s" (list thumbnail), "i" (icon).
    variants = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "retry_at"], name="image_status_retry")]

    def __str__(self) -> str:
        return f"{self.kind} {self.url[:80]} ({self.status})"

    @staticmethod
    def key_for(kind: str, url: str) -> str:
        return hashlib.sha256(f"{kind}\x1f{url}".encode("utf-8", "replace")).hexdigest()

    def variant(self, name: str) -> Variant | None:
        if self.status != ImageStatus.READY:
            return None
        value = (self.variants or {}).get(name)
        if not isinstance(value, list) or len(value) != 3:
            return None
        return Variant(str(value[0]), int(value[1]), int(value[2]))

    @property
    def lead(self) -> Variant | None:
        return self.variant("l")

    @property
    def thumb(self) -> Variant | None:
        return self.variant("s")

    @property
    def icon(self) -> Variant | None:
        return self.variant("i")
