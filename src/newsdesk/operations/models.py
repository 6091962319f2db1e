"""Operations: the worker's heartbeat, read by /healthz."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last sign of life of one worker process (written every minute by its scheduler)."""

    name = models.CharField(max_length=200, primary_key=True, help_text="host:pid of the worker.")
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    queue_depth = models.PositiveIntegerField(null=True, blank=True)
