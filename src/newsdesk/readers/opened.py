"""Articles opened by signed-in readers, marked read a batch at a time by one thread per process.

Opening an article marks it read. Written in the request, that is one write transaction per page a
reader opens, and on SQLite every web thread of every process waits its turn for the one writer (a
waiting writer sleeps in steps of up to 100 ms): the article page was the slowest page a signed-in
reader got under load. So the page hands the mark here and shows the article read at once (the
reader's state kept by this process gains it); this process's writer thread writes what was handed
in during the last NEWSDESK_READ_MARKS_BATCH_S in one transaction (`changes.mark_read_by`: a few
queries for the whole batch), which bumps each reader's state version, so every other process shows
it read from then on. A process that is killed loses at most that long of read marks; a clean stop
writes them first. NEWSDESK_READ_MARKS_BATCH_S = 0 writes each in its request, as before.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import defaultdict

from django.db import close_old_connections

from newsdesk.readers import changes

log = logging.getLogger(__name__)


class OpenedArticles:
    def __init__(self) -> None:
        self._pending: dict[int, set[int]] = defaultdict(set)  # user id -> article ids
        self._lock = threading.Lock()
        self._writing = threading.Lock()  # held while a batch is taken and written
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._delay_s = 0.0

    def add(self, user_id: int, article_id: int, delay_s: float) -> None:
        with self._lock:
            self._pending[user_id].add(article_id)
            self._delay_s = delay_s
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="read-marks", daemon=True)
                self._thread.start()
                atexit.register(self.flush)
        self._wake.set()

    def forget(self, user_id: int, article_ids: set[int]) -> bool:
        """Drop marks not written yet ("Mark unread" a moment after opening); whether there were any.
        A batch being written now is waited for: its marks are then in the database, where the
        unread that follows removes them (else one written just after it would undo it)."""
        with self._writing, self._lock:
            held = self._pending.get(user_id, set())
            dropped = held & article_ids
            held -= dropped
            return bool(dropped)

    def pending(self) -> int:
        with self._lock:
            return sum(len(ids) for ids in self._pending.values())

    def flush(self) -> int:
        """Write every mark handed in so far, in one transaction; how many were new."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, defaultdict(set)
            if not batch:
                return 0
            try:
                return changes.mark_read_by(batch)
            except Exception:  # the database away: these marks are lost, pages go on
                log.exception("read marks: %d not written", sum(len(ids) for ids in batch.values()))
                return 0
            finally:
                close_old_connections()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self._delay_s)  # gather what the next pages hand in
            # Cleared only now: what was handed in while this slept is in this batch, and does not
            # start another round of its own.
            self._wake.clear()
            self.flush()


OPENED = OpenedArticles()
