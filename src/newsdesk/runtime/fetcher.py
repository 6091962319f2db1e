"""The process-wide polite fetcher, configured from settings.

One instance per process so per-host concurrency limits and Retry-After windows are shared by
every thread of a worker.
"""

from __future__ import annotations

import threading

from django.conf import settings

from newsdesk.pipeline.fetch import Fetcher

# Fetch failures worth another try later (a server or network away for a while); the others (a refused
# address, a too-large body, a 404) give the same answer however often they are asked.
TRANSIENT_KINDS = frozenset({"timeout", "connect", "dns", "rate_limited", "tls"})

_lock = threading.Lock()
_fetcher: Fetcher | None = None


def get_fetcher() -> Fetcher:
    global _fetcher
    with _lock:
        if _fetcher is None:
            _fetcher = Fetcher(
                user_agent=settings.NEWSDESK_USER_AGENT,
                timeout_s=settings.NEWSDESK_FETCH_TIMEOUT,
                allow_private_networks=settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS,
            )
        return _fetcher


def reset_fetcher() -> None:
    """Forget the shared fetcher (tests change settings between cases)."""
    global _fetcher
    with _lock:
        if _fetcher is not None:
            _fetcher.close()
        _fetcher = None
