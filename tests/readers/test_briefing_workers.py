"""Two real `newsdesk worker` processes (Huey consumers) run the periodic briefing task at the same
time against one site database: every due reader's Top 8 reaches the real SMTP server exactly once.

Huey's scheduler enqueues its periodic tasks as the consumer starts and every 60 s after, so each
worker runs `send_briefings` within seconds of starting. Each worker has its own queue (its own
NEWSDESK_HOME, so its own SqliteHuey file): a shared queue would let one process take both runs,
while here each process is sure to run the task itself, and both at the same moment.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.utils import timezone

from newsdesk.readers.models import BriefingDelivery, Profile
from newsdesk.testing.smtp import LocalSMTPServer
from tests.readers.test_briefing import _day_of_news, _subscriber

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DUE = 24  # enough readers that the two runs overlap and race for the same rows
RUN_LINE = re.compile(r"briefing run: (\d+) e-mail\(s\) sent")
DONE_LINE = re.compile(r"^(\S+ \S+) .*send_briefings: \S+ executed in ([\d.]+)s", re.M)
WAIT_S = 150  # the task runs at start; a worker that missed it runs it again 60 s later


def _site_database_url() -> str:
    """This test's own database (pytest-django's), as a DATABASE_URL the workers can open."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + db["NAME"]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # Huey: stop now
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)


def test_two_worker_processes_send_each_briefing_exactly_once(tmp_path: Path) -> None:
    _day_of_news()
    due = [_subscriber(f"reader{n:02d}", hour=0) for n in range(DUE)]
    # Not due: 23:00 local has not come yet (in UTC, or an hour behind it at 23:xx UTC), not
    # verified, opted out, inactive.
    now = timezone.now()
    _subscriber("later", hour=23, zone="UTC" if now.hour < 23 else "Etc/GMT+1")
    _subscriber("unverified", hour=0, verified=False)
    off = User.objects.create_user("off", "off@example.org")
    Profile.objects.create(user=off, briefing_email=False, briefing_hour=0, email_verified=True)
    gone = _subscriber("gone", hour=0)
    User.objects.filter(pk=gone.pk).update(is_active=False)

    with LocalSMTPServer() as smtp:
        base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "NEWSDESK_TASKS_IMMEDIATE")}
        base |= {
            "DATABASE_URL": _site_database_url(),
            "NEWSDESK_SECRET_KEY": django_settings.SECRET_KEY,
            "NEWSDESK_EMAIL_HOST": "127.0.0.1",
            "NEWSDESK_EMAIL_PORT": str(smtp.port),
            "NEWSDESK_SITE_URL": "https://news.example",
            "NEWSDESK_LOG_LEVEL": "INFO",
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for i, log in enumerate(logs, 1):
                home = tmp_path / f"home{i}"  # its own Huey queue file; the site database is shared
                home.mkdir()
                with log.open("wb") as out:
                    workers.append(
                        subprocess.Popen(
                            [sys.executable, "-m", "newsdesk.cli", "worker"],
                            env=base | {"NEWSDESK_HOME": str(home)},
                            stdout=out,
                            stderr=subprocess.STDOUT,
                        )
                    )
            deadline = time.monotonic() + WAIT_S
            while not all(DONE_LINE.search(log.read_text()) for log in logs):
                died = [w.args for w in workers if w.poll() is not None]
                assert not died and time.monotonic() < deadline, "\n".join(x.read_text() for x in logs)
                time.sleep(0.25)
        finally:
            for w in workers:
                _stop(w)
        texts = [log.read_text() for log in logs]

    # Both processes ran the task, and together they sent one letter per due reader.
    runs = [[int(n) for n in RUN_LINE.findall(t)] for t in texts]
    assert all(runs), texts
    assert sum(map(sum, runs)) == DUE, runs
    assert not any("not sent" in t for t in texts), texts

    received = Counter(r for m in smtp.messages for r in m.rcpt_tos)
    assert received == Counter({u.email: 1 for u in due})
    assert all(m.subject.startswith("Your Top 8 for") for m in smtp.messages)
    assert all("https://news.example/story/" in m.text for m in smtp.messages)

    deliveries = BriefingDelivery.objects.select_related("user")
    assert sorted(d.user.email for d in deliveries) == sorted(u.email for u in due)
    assert all(d.sent_at and not d.error and len(d.story_ids) == 8 and d.attempts == 1 for d in deliveries)
    # For the report: when each worker's run ended and how long it took (the runs should overlap).
    print(f"\nsent per worker run: {runs}; run ended at, took (s): {[DONE_LINE.findall(t) for t in texts]}")
