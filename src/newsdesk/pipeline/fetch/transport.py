"""The network under the fetcher: httpx's transport with sockets only from the SSRF guard, under a deadline.

A total deadline per fetch is enforced on every socket operation (`netguard.GuardedBackend`), because
httpx's timeouts restart with each read and a server trickling a byte a second would otherwise hold a
worker for hours.
"""

from __future__ import annotations

import contextvars
import functools
import ssl
import time

import httpcore
import httpx

from newsdesk.pipeline import netguard

__all__ = ["GuardedTransport", "fetch_deadline", "guarded_transport"]

# The deadline (time.monotonic) of the fetch running in this thread, read by the network backend.
fetch_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsdesk_fetch_deadline", default=None
)


def _remaining_s() -> float | None:
    deadline = fetch_deadline.get()
    return None if deadline is None else deadline - time.monotonic()


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with a connection pool whose sockets come only from the SSRF guard."""

    def __init__(self, policy: netguard.AddressPolicy) -> None:
        context = _ssl_context()
        super().__init__(verify=context, trust_env=False, http2=True)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        # httpx 0.28 takes no network backend, so the pool it built is replaced by an equivalent one
        # with ours (httpx is pinned; tests/pipeline/test_http.py exercises this path end to end).
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=True,
            network_backend=netguard.GuardedBackend(policy, remaining_s=_remaining_s),
        )


def guarded_transport(policy: netguard.AddressPolicy) -> httpx.HTTPTransport:
    """An httpx transport whose sockets come only from the SSRF guard (for calls that are not
    fetches, such as webhook POSTs)."""
    return GuardedTransport(policy)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context (certifi's CAs) for all fetchers: loading the CA bundle takes ~0.1 s."""
    return httpx.create_ssl_context(trust_env=False)
