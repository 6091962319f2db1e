"""Rate limits per token (or per client address without one): a fixed window in Django's cache.

The cache is per process unless REDIS_URL is set (then shared), so with several web processes the
limit is per process: good enough to stop a runaway client.

Why not `readers.ratelimit` too: that one counts rows in the database so that security-sensitive,
low-volume actions (log-ins, sign-ups, comments) hold exactly across processes, while this one runs
on every API read, where a database write per request would cost too much (on SQLite above all), so
a cache window suffices. Both find the client's address the same way (`ratelimit.client_ip`).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from newsdesk.api import tokens
from newsdesk.readers import ratelimit

WINDOW_S = 60


def client_key(request: HttpRequest) -> str:
    """A valid token's own budget; anything else (no token, a made-up one) counts against the address,
    so inventing tokens buys no extra requests."""
    row = getattr(request, "api_token", None)
    header = request.headers.get("Authorization", "")
    if row is None and header[:7].lower() == "bearer ":
        row = tokens.resolve(header[7:].strip())
    if row is not None:
        return f"t:{row.pk}"
    return "ip:" + ratelimit.client_ip(request)


class WindowThrottle(BaseThrottle):
    """At most NEWSDESK_API_RATE_PER_MIN requests a minute per client; 0 turns the limit off."""

    def __init__(self) -> None:
        self._local = threading.local()  # one throttle object serves every request thread

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(settings.NEWSDESK_API_RATE_PER_MIN)
        if limit <= 0:
            return True
        now = time.time()
        window = int(now // WINDOW_S)
        key = f"newsdesk:api-rate:{client_key(request)}:{window}"
        cache.add(key, 0, timeout=WINDOW_S + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_S + 5)
            count = 1
        self._local.wait = (window + 1) * WINDOW_S - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
