"""Background tasks for readers (Huey): the daily briefing e-mails."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from newsdesk.readers.mailing import send_due_briefings

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def send_briefings() -> None:
    """Every minute: the briefing e-mails whose hour has come (each sent once, whatever the workers)."""
    # One line per run, so an operator (and the two-worker test) can see which worker sent what.
    log.info("briefing run: %d e-mail(s) sent", send_due_briefings())
