"""Background tasks for readers (Huey): the daily briefing e-mails."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def send_briefings() -> None:
    """Every minute: the briefing e-mails whose hour has come (each sent once, whatever the workers)."""
    from newsdesk.readers.mailing import send_due_briefings

    send_due_briefings()
