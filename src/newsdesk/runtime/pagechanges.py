"""What made cached pages out of date, told to every web process: one row per change in PageChange.

A change names tags ("story:12", "article:345", "front", "site"); a cached page names the tags it was
made from and the position of this change log when its making began (`position()`). A page is
current while no tag of it changed after that position. Each web process reads the rows added since
its last look (a thread, twice a second, and a page on a miss when that is older than half a second),
so a change reaches every process on every machine within about a second; the process that makes a
change knows it at once. Rows older than `KEEP` are deleted by the worker's upkeep; a process that
starts reads the last `KEEP` of them, which outlives every cached page (`MAX_AGE_S`).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from newsdesk.runtime.models import PageChange

log = logging.getLogger(__name__)
KEEP = timedelta(hours=1)
MAX_AGE_S = 600  # no cached page outlives this, whatever its tags
POLL_EVERY_S = 0.5
SITE = "site"  # every page: a source renamed, a deploy
FRONT = "front"  # the front page and the lists: stories gained articles, comment counts


def story(pk: object) -> str:
    return f"story:{int(str(pk))}"


def article(pk: object) -> str:
    return f"article:{int(str(pk))}"


class ChangeFeed:
    """This process's view of the change log: the latest change per tag, and how far it has read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.read_up_to: int | None = None  # the last PageChange id seen; None: not read yet
        self.latest: dict[str, int] = {}
        self.polled_at = 0.0
        self.failing = False  # the last look failed: no cached page counts as current

    def position(self) -> int:
        """Where the log stood at the last look: a page made from now on is current past it."""
        if self.read_up_to is None:
            self.poll()
        return self.read_up_to or 0

    def current(self, tags: tuple[str, ...], made_at: int) -> bool:
        latest = self.latest
        return not self.failing and all(latest.get(t, 0) <= made_at for t in tags)

    def poll(self) -> None:
        with self._lock:
            try:
                if self.read_up_to is None:
                    since = timezone.now() - KEEP
                    rows = (
                        PageChange.objects.filter(at__gte=since)
                        .values("tag")
                        .annotate(last=Max("id"))
                        .values_list("tag", "last")
                    )
                    self.latest = dict(rows)
                    self.read_up_to = PageChange.objects.aggregate(m=Max("id"))["m"] or 0
                else:
                    rows = PageChange.objects.filter(id__gt=self.read_up_to).values_list("id", "tag")
                    for pk, tag in rows.order_by("id"):
                        if pk > self.latest.get(tag, 0):
                            self.latest[tag] = pk
                        self.read_up_to = max(self.read_up_to, pk)
                self.failing = False
            except Exception:  # a database away for a moment: pages are remade until it is back
                if not self.failing:
                    log.warning("page change log not read", exc_info=True)
                self.failing = True
            self.polled_at = time.monotonic()

    def poll_if_due(self) -> None:
        if time.monotonic() - self.polled_at >= POLL_EVERY_S:
            self.poll()

    def heard(self, pk: int, tags: tuple[str, ...]) -> None:
        """A change this process made: its pages are out of date now, before the next look. The read
        position is not moved, so pages made before the change commits are not kept either."""
        for tag in tags:
            if pk > self.latest.get(tag, 0):
                self.latest[tag] = pk
        self.polled_at = 0.0  # the next page made here reads the log first, and may be kept

    def forget(self) -> None:
        """Start over (tests, whose database is emptied between them)."""
        with self._lock:
            self.read_up_to, self.latest, self.polled_at = None, {}, 0.0


FEED = ChangeFeed()
_watcher: threading.Thread | None = None


def changed(*tags: str) -> None:
    """Record that pages made from these tags are out of date (in the caller's transaction)."""
    if not tags:
        return
    rows = PageChange.objects.bulk_create([PageChange(tag=t[:64]) for t in dict.fromkeys(tags)])
    last = max((r.pk for r in rows if r.pk is not None), default=None)
    if last is None:  # a backend that does not return ids: the log's end is at least this far
        last = PageChange.objects.aggregate(m=Max("id"))["m"] or 0
    FEED.heard(last, tuple(tags))


def watch() -> None:
    """Read the change log twice a second in a thread of this process (web processes)."""
    global _watcher
    if _watcher is not None and _watcher.is_alive():
        return

    def loop() -> None:
        while True:
            FEED.poll()
            connection.close_if_unusable_or_obsolete()  # this thread's own connection
            time.sleep(POLL_EVERY_S)

    _watcher = threading.Thread(target=loop, name="page-changes", daemon=True)
    _watcher.start()


def prune() -> int:
    """Delete changes older than KEEP (the worker's upkeep)."""
    deleted, _ = PageChange.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return deleted
