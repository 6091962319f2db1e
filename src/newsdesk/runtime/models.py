"""Runtime rows: named locks and worker heartbeats (tables kept from their first home, no data moved)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PipelineLock(models.Model):
    """A named row locked to serialise one pipeline step across processes and machines."""

    name = models.CharField(max_length=50, primary_key=True)

    class Meta:
        db_table = "articles_pipelinelock"  # created by articles' first migration


class Heartbeat(models.Model):
    """The last sign of life of one worker process (written every minute by its scheduler)."""

    name = models.CharField(max_length=200, primary_key=True, help_text="host:pid of the worker.")
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    queue_depth = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "operations_heartbeat"  # created by operations' first migration


class PageChange(models.Model):
    """One event that makes cached pages out of date ("story:12", "article:345", "front", "site"):
    every web process reads the rows added since its last look (runtime/pagechanges.py)."""

    tag = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)
