"""Stories: every outlet's article about the same event, grouped."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Story(models.Model):
    headline = models.CharField(max_length=1000, blank=True)
    first_seen = models.DateTimeField(default=timezone.now, db_index=True)
    last_updated = models.DateTimeField(default=timezone.now, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0, db_index=True)
    importance = models.FloatField(default=0.0, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the periodic pass folded this story into another: the row stays (empty) so that links
    # to it keep working and redirect to the surviving story.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )

    class Meta:
        ordering = ["-importance", "-last_updated"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.headline or f"story {self.pk}"
