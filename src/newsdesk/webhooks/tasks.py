"""Background tasks for webhooks (Huey): decide events (main queue), send deliveries (their own
queue, webhooks/queue.py), and sweep for lost ones."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.webhooks import delivery, events
from newsdesk.webhooks.queue import delivery_task


@db_task(retries=0)
def emit_events_task(article_id: int, story_id: int, created: bool, sources_before: int) -> None:
    for made in events.emit(article_id, story_id, created, sources_before):
        deliver_task(made.pk)


@delivery_task
def deliver_task(delivery_id: int) -> None:
    delay = delivery.deliver(delivery_id)
    if delay is not None:
        deliver_task.schedule((delivery_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))
def sweep_webhook_deliveries() -> None:
    """Every minute: deliveries that are due but whose queued task was lost (a killed worker)."""
    for pk in delivery.due_deliveries():
        deliver_task(pk)
