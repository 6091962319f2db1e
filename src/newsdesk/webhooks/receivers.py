"""The webhooks app's reactions to the stories app (connected in WebhooksConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from newsdesk.stories.signals import article_assigned
from newsdesk.webhooks.models import Webhook
from newsdesk.webhooks.tasks import emit_events_task

log = logging.getLogger(__name__)


@receiver(article_assigned)
def queue_events(
    sender: Any, article_id: int, story_id: int, created: bool, sources_before: int, **kwargs: Any
) -> None:
    """After an article joined a story: queue the event check if any hook listens (a cheap check,
    then a queued task: nothing here runs HTTP inline)."""
    if not Webhook.objects.filter(active=True).exists():
        return
    try:
        emit_events_task(article_id, story_id, created, sources_before)
    except Exception:  # a queue outage must never fail the pipeline step
        log.exception("could not queue webhook events for article %s", article_id)
