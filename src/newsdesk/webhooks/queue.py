"""Webhook deliveries have a queue of their own, so they never starve ingest.

A delivery may wait on a slow receiver for up to NEWSDESK_WEBHOOK_TIMEOUT_S: on the shared queue, a
few hooks pointed at a tarpit would hold every worker thread while feeds and articles waited. This
second Huey (same storage, its own queue name) is consumed by NEWSDESK_WEBHOOK_THREADS threads of
each worker (`newsdesk worker` starts them beside the main consumer).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string
from huey import Huey
from huey.api import TaskWrapper


def _build() -> Huey:
    conf = dict(settings.HUEY)
    cls = import_string(conf.pop("huey_class", "huey.RedisHuey"))
    conf["name"] = f"{conf.get('name', 'newsdesk')}-webhooks"
    return cls(**conf)


DELIVERIES: Huey = _build()


def delivery_task(fn: Callable[..., Any]) -> TaskWrapper:
    """A task on the deliveries queue that closes stale database connections around it (as djhuey's
    db_task does on the main queue)."""

    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        if not DELIVERIES.immediate:
            close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            if not DELIVERIES.immediate:
                close_old_connections()

    return DELIVERIES.task(retries=0)(inner)
