"""Cached pages that show a source (its name on every list) are out of date when what they show of it
changes; a fetch that only records its health changes nothing a page shows (connected in ready)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from newsdesk.runtime import pagechanges
from newsdesk.sources.models import Source

SHOWN = ("title", "canonical_url", "category")


def _shown(source: Source) -> tuple[Any, ...]:
    return tuple(source.__dict__.get(name) for name in SHOWN)


@receiver(post_init, sender=Source)
def remember_shown(sender: Any, instance: Source, **kwargs: Any) -> None:
    instance._shown_on_pages = _shown(instance)


@receiver(post_save, sender=Source)
def source_saved(sender: Any, instance: Source, created: bool, **kwargs: Any) -> None:
    if created or _shown(instance) != getattr(instance, "_shown_on_pages", None):
        pagechanges.changed(pagechanges.SITE)
    instance._shown_on_pages = _shown(instance)


@receiver(post_delete, sender=Source)
def source_deleted(sender: Any, instance: Source, **kwargs: Any) -> None:
    pagechanges.changed(pagechanges.SITE)
