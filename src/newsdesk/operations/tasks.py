"""The worker's heartbeat (Huey periodic task, and once when the consumer starts)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from newsdesk.runtime import health


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    health.beat()


@on_startup()
def heartbeat_at_start() -> None:
    from django.db import close_old_connections

    close_old_connections()
    health.beat()
