"""The polite HTTP fetcher: conditional GET, Retry-After, per-host limits, size and time caps, SSRF guard.

Every URL is hostile. A fetch either returns a `FetchResult` or raises `FetchError` whose `kind`
says what went wrong and whose `message` says it in plain words for the operator; no other
exception escapes for anything a server or a URL can do.

Modules, one concern each: `client` (the `Fetcher`: redirects, politeness, caps, error mapping),
`transport` (sockets only from the SSRF guard, under a total deadline), `decompress` (Content-Encoding
with an output limit), `challenge` (anti-bot pages), `result` (what a fetch gives); the text encoding
of a body is `pipeline.charset`, shared with extraction.
"""

from newsdesk.pipeline.fetch.client import MAX_RETRY_AFTER_S, ROBOTS_MAX_BYTES, UNREACHABLE_MEMORY_S, Fetcher
from newsdesk.pipeline.fetch.result import FetchError, FetchErrorKind, FetchResult
from newsdesk.pipeline.fetch.transport import guarded_transport

__all__ = [
    "MAX_RETRY_AFTER_S",
    "ROBOTS_MAX_BYTES",
    "UNREACHABLE_MEMORY_S",
    "FetchError",
    "FetchErrorKind",
    "FetchResult",
    "Fetcher",
    "guarded_transport",
]
