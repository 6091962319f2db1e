"""What /healthz checks: the database answers, a worker beat recently, the queue is not piling up."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsdesk.runtime.models import Heartbeat


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_depth() -> int:
    from huey.contrib.djhuey import HUEY

    return int(HUEY.pending_count())


def worker_alive() -> bool:
    """Whether a worker beat within NEWSDESK_HEARTBEAT_MAX_AGE_S: pages then leave missing AI
    panels to it instead of computing them on the request (one query on a table of a few rows)."""
    since = timezone.now() - timedelta(seconds=settings.NEWSDESK_HEARTBEAT_MAX_AGE_S)
    return Heartbeat.objects.filter(beat_at__gte=since).exists()


def beat() -> None:
    """The worker's sign of life (every minute from its scheduler, and at start)."""
    try:
        depth: int | None = queue_depth()
    except Exception:
        depth = None
    Heartbeat.objects.update_or_create(
        name=worker_name(), defaults={"beat_at": timezone.now(), "queue_depth": depth}
    )
    # Rows of workers gone for a day are only noise.
    Heartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=1)).delete()


def check() -> tuple[bool, dict[str, Any]]:
    """(healthy, report); each failing part says what is wrong in plain words."""
    report: dict[str, Any] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # the point of a health check is to report any failure
        return False, {"status": "error", "failing": ["database"], "database": f"error: {exc}"}
    failing: list[str] = []
    newest = Heartbeat.objects.order_by("-beat_at").first()
    max_age = settings.NEWSDESK_HEARTBEAT_MAX_AGE_S
    if newest is None:
        report["worker"] = "error: no worker has ever reported (is `newsdesk worker` running?)"
        failing.append("worker")
    else:
        age = (timezone.now() - newest.beat_at).total_seconds()
        report["worker_heartbeat_age_s"] = round(age, 1)
        if age > max_age:
            report["worker"] = f"error: last worker heartbeat {age:.0f} s ago (limit {max_age} s)"
            failing.append("worker")
        else:
            report["worker"] = "ok"
    try:
        depth = queue_depth()
        report["queue_depth"] = depth
        if depth > settings.NEWSDESK_QUEUE_DEPTH_MAX:
            report["queue"] = f"error: {depth} tasks waiting (limit {settings.NEWSDESK_QUEUE_DEPTH_MAX})"
            failing.append("queue")
        else:
            report["queue"] = "ok"
    except Exception as exc:
        report["queue"] = f"error: the queue cannot be read: {exc}"
        failing.append("queue")
    ok = not failing
    return ok, {"status": "ok" if ok else "error", "failing": failing, **report}
