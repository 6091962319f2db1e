"""The `Fetcher`: one polite GET, redirects, per-host politeness, size and time caps, errors in plain words.

Sync httpx, because the Huey worker runs tasks in threads. Redirects are followed one hop at a time so
that every hop goes through the SSRF guard again; the body is decompressed here (`decompress`) with an
output limit; each fetch runs under a total deadline (`transport`).

One module because every method shares the per-host state (slots, Retry-After windows, unreachable
hosts) under one lock; the concerns that need no such state live in the sibling modules.
"""

from __future__ import annotations

import itertools
import ssl
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from types import MappingProxyType, TracebackType
from typing import Self

import httpx

from newsdesk.pipeline import netguard
from newsdesk.pipeline.charset import detect_encoding, media_type
from newsdesk.pipeline.fetch.challenge import SNIFF_BYTES, bot_challenge_vendor, challenge_error
from newsdesk.pipeline.fetch.decompress import DECOMPRESSION_ERRORS, ContentDecoder
from newsdesk.pipeline.fetch.result import FetchError, FetchResult
from newsdesk.pipeline.fetch.transport import GuardedTransport, fetch_deadline
from newsdesk.pipeline.robots import RobotsAnswer, RobotsCache
from newsdesk.pipeline.schedule import parse_retry_after

__all__ = ["MAX_RETRY_AFTER_S", "ROBOTS_MAX_BYTES", "UNREACHABLE_MEMORY_S", "Fetcher"]

MAX_RETRY_AFTER_S = 86400.0  # a server asking for a longer pause gets 24 h: the scheduler never stops
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_TINY_PAGE = 64 * 1024  # a 200 page this small that carries a challenge marker is the challenge itself
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
)

# Failures that say the whole host is out of reach for now, and how long we believe them.
_REMEMBERED_KINDS = frozenset({"dns", "connect"})
UNREACHABLE_MEMORY_S = 30.0


class Fetcher:
    """A thread-safe polite HTTP client; one per process is enough.

    `allow_private_networks` lifts the SSRF guard (tests, or a deliberate intranet deployment:
    NEWSDESK_ALLOW_PRIVATE_NETWORKS=1); `trusted_networks` (CIDR strings) opens only those private
    addresses. robots.txt is consulted only for `is_article_page` fetches.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout_s: float = 20.0,
        max_bytes: int = 15 * 2**20,
        max_redirects: int = 5,
        per_host_concurrency: int = 2,
        allow_private_networks: bool = False,
        trusted_networks: Iterable[str] = (),
        respect_robots: bool = True,
    ) -> None:
        if timeout_s <= 0 or max_bytes <= 0 or max_redirects < 0 or per_host_concurrency < 1:
            raise ValueError(
                "timeout_s, max_bytes, per_host_concurrency must be positive; max_redirects >= 0"
            )
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._per_host = per_host_concurrency
        self._policy = netguard.AddressPolicy.build(
            allow_private=allow_private_networks, trusted_networks=trusted_networks
        )
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._not_before: dict[str, float] = {}  # host → time.monotonic() before which we do not ask
        # host → (until, error): a host whose name did not resolve or that refused connections is
        # not asked again for a short while, so 500 articles of one dead site cost one failure.
        self._unreachable: dict[str, tuple[float, FetchError]] = {}
        self._client = httpx.Client(
            transport=GuardedTransport(self._policy),
            headers={"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate, br"},
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the address guard
        )
        self._robots = RobotsCache(self._fetch_robots, user_agent=user_agent) if respect_robots else None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        is_article_page: bool = False,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url`, following up to `max_redirects` redirects; raise `FetchError` on any failure.

        With `etag` / `last_modified` from an earlier result the request is conditional, and an
        unchanged resource comes back as `not_modified=True` with an empty body.
        """
        cap = self._max_bytes if max_bytes is None else max_bytes
        headers: dict[str, str] = {}
        if etag and _header_safe(etag):
            headers["If-None-Match"] = etag
        if last_modified and _header_safe(last_modified):
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        current = self._checked_url(url)
        for _hop in range(self._max_redirects + 1):
            if is_article_page and self._robots is not None and not self._robots.allowed(str(current)):
                raise FetchError(
                    "robots_disallowed",
                    "the site's robots.txt does not allow fetching this page",
                    url=str(current),
                )
            outcome = self._hop(current, headers, cap, started)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome
        raise FetchError(
            "too_many_redirects",
            f"the address redirected more than {self._max_redirects} times (a redirect loop?)",
            url=str(current),
        )

    # -- one request ------------------------------------------------------------------------------

    def _hop(
        self, url: httpx.URL, headers: dict[str, str], cap: int, started: float
    ) -> FetchResult | httpx.URL:
        """One request: a result, or the URL a redirect points to."""
        key = _host_key(url)
        self._fail_if_waiting(key, url)
        self._fail_if_unreachable(key, url)
        slot = self._slot(key)
        deadline = started + self._timeout_s
        if not slot.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise FetchError("timeout", self._timeout_message("to free a connection slot"), url=str(url))
        token = fetch_deadline.set(deadline)
        try:
            response = self._client.send(self._client.build_request("GET", url, headers=headers), stream=True)
            try:
                return self._handle(response, url, cap, started)
            finally:
                response.close()
        except (netguard.GuardError, httpx.HTTPError) as exc:
            if isinstance(exc, netguard.GuardError):
                error = FetchError(exc.kind, exc.message, url=str(url))
            else:
                error = self._transport_error(exc, url)
            if error.kind in _REMEMBERED_KINDS:
                with self._lock:
                    self._unreachable[key] = (time.monotonic() + UNREACHABLE_MEMORY_S, error)
            raise error from exc
        finally:
            fetch_deadline.reset(token)
            slot.release()

    def _handle(
        self, response: httpx.Response, url: httpx.URL, cap: int, started: float
    ) -> FetchResult | httpx.URL:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchError(
                    "http_status",
                    f"the server answered {_status_words(status)} without a target",
                    url=str(url),
                    status=status,
                )
            try:
                return self._checked_url(url.join(location))
            except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
                raise FetchError(
                    "invalid_url",
                    f"the server redirected to an unusable address: {location[:200]}",
                    url=str(url),
                    status=status,
                ) from exc
        if status == 304:
            return self._result(response, url, b"", started)
        if not 200 <= status < 300:
            raise self._status_error(response, url)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(
                "too_large",
                f"the server announced {_size_words(int(declared))}, over the {_size_words(cap)} limit",
                url=str(url),
                status=status,
            )
        body = self._read_body(response, url, cap)
        content_type = media_type(response.headers.get("content-type", ""))
        if ("html" in content_type or not content_type) and len(body) <= _TINY_PAGE:
            vendor = bot_challenge_vendor(status, response.headers, body)
            if vendor is not None:
                raise challenge_error(vendor, url, status, None)
        return self._result(response, url, body, started)

    def _result(self, response: httpx.Response, url: httpx.URL, body: bytes, started: float) -> FetchResult:
        content_type_header = response.headers.get("content-type", "")
        content_type = media_type(content_type_header)
        not_modified = response.status_code == 304
        sent = response.request.headers
        return FetchResult(
            url=str(url),
            status=response.status_code,
            not_modified=not_modified,
            body=body,
            text_encoding=None if not_modified else detect_encoding(body, content_type_header),
            content_type=content_type,
            # A 304 without validators still means the caller's validators hold: hand them back.
            etag=response.headers.get("etag") or (sent.get("if-none-match") if not_modified else None),
            last_modified=response.headers.get("last-modified")
            or (sent.get("if-modified-since") if not_modified else None),
            headers=MappingProxyType({k: ", ".join(response.headers.get_list(k)) for k in response.headers}),
            elapsed_s=time.monotonic() - started,
        )

    def _read_body(
        self, response: httpx.Response, url: httpx.URL, cap: int, *, truncate: bool = False
    ) -> bytes:
        """The decompressed body, stopping as soon as it would pass `cap` (then an error, or cut)."""
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        try:
            decoder = ContentDecoder(encodings)
        except ValueError as exc:
            raise FetchError("protocol", str(exc), url=str(url), status=response.status_code) from exc
        body = bytearray()
        raw_total = 0
        try:
            for chunk in itertools.chain(response.iter_raw(), [None]):
                if chunk is None:
                    body += decoder.flush(cap - len(body) + 1)
                else:
                    raw_total += len(chunk)
                    body += decoder.decode(chunk, cap - len(body) + 1)
                if len(body) > cap:
                    break
        except DECOMPRESSION_ERRORS as exc:
            raise FetchError(
                "protocol",
                "the server sent compressed data that could not be decoded",
                url=str(url),
                status=response.status_code,
            ) from exc
        if len(body) > cap and truncate:
            return bytes(body[:cap])
        if len(body) > cap:
            if encodings and len(body) > 20 * max(raw_total, 1):
                raise FetchError(
                    "decompression_bomb",
                    f"the compressed response expands past the {_size_words(cap)}"
                    " limit (a decompression bomb)",
                    url=str(url),
                    status=response.status_code,
                )
            raise FetchError(
                "too_large",
                f"the response is larger than the {_size_words(cap)} limit",
                url=str(url),
                status=response.status_code,
            )
        return bytes(body)

    # -- errors -------------------------------------------------------------------------------------

    def _status_error(self, response: httpx.Response, url: httpx.URL) -> FetchError:
        status = response.status_code
        sniff = b""
        if status in (403, 429, 503):
            try:
                sniff = self._read_body(response, url, SNIFF_BYTES, truncate=True)
            except (FetchError, httpx.HTTPError):
                sniff = b""  # a slow or broken error page is no bot check we can recognise
        retry_after = None
        header = response.headers.get("retry-after")
        if header is not None:
            retry_after = parse_retry_after(header, datetime.now(UTC))
            if retry_after is not None:
                retry_after = min(retry_after, MAX_RETRY_AFTER_S)
        vendor = bot_challenge_vendor(status, response.headers, sniff)
        if vendor is not None:
            return challenge_error(vendor, url, status, retry_after)
        if status == 429 or (status == 503 and retry_after is not None):
            wait = ""
            if retry_after:
                with self._lock:
                    self._not_before[_host_key(url)] = time.monotonic() + retry_after
                wait = f"; next try in {_duration_words(retry_after)}"
            return FetchError(
                "rate_limited",
                f"the site asked us to slow down ({_status_words(status)}){wait}",
                url=str(url),
                status=status,
                retry_after_s=retry_after,
            )
        return FetchError(
            "http_status", f"the server answered {_status_words(status)}", url=str(url), status=status
        )

    def _transport_error(self, exc: httpx.HTTPError, url: httpx.URL) -> FetchError:
        host = url.host
        if isinstance(exc, httpx.TimeoutException):
            return FetchError("timeout", self._timeout_message("to answer"), url=str(url))
        if isinstance(exc, httpx.ConnectError):
            if any(isinstance(e, ssl.SSLError) for e in _causes(exc)):
                return FetchError(
                    "tls", f"the secure connection to {host} failed: {_first_line(exc)}", url=str(url)
                )
            return FetchError("connect", f"could not connect to {host}: {_first_line(exc)}", url=str(url))
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return FetchError("invalid_url", f"not a fetchable web address: {_first_line(exc)}", url=str(url))
        if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
            return FetchError(
                "protocol", f"the server at {host} broke the HTTP protocol: {_first_line(exc)}", url=str(url)
            )
        return FetchError("connect", f"the connection to {host} failed: {_first_line(exc)}", url=str(url))

    def _timeout_message(self, what: str) -> str:
        return f"the server took longer than {_duration_words(self._timeout_s)} {what}"

    # -- politeness state ---------------------------------------------------------------------------

    def _slot(self, key: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = threading.BoundedSemaphore(self._per_host)
            return slot

    def _fail_if_waiting(self, key: str, url: httpx.URL) -> None:
        """Refuse without touching the network while the host's Retry-After window is open."""
        with self._lock:
            not_before = self._not_before.get(key)
            if not_before is None:
                return
            left = not_before - time.monotonic()
            if left <= 0:
                del self._not_before[key]
                return
        raise FetchError(
            "rate_limited",
            f"the site asked us to wait; next try in {_duration_words(left)}",
            url=str(url),
            retry_after_s=left,
        )

    def _fail_if_unreachable(self, key: str, url: httpx.URL) -> None:
        with self._lock:
            remembered = self._unreachable.get(key)
            if remembered is None:
                return
            until, error = remembered
            if until <= time.monotonic():
                del self._unreachable[key]
                return
        raise FetchError(error.kind, error.message, url=str(url), status=error.status)

    def _checked_url(self, url: str | httpx.URL) -> httpx.URL:
        """Parse and vet a URL: http(s) only, no user:password@ part, no host that is private by name."""
        text = str(url)
        try:
            parsed = httpx.URL(url) if isinstance(url, str) else url
        except (httpx.InvalidURL, ValueError, UnicodeError, TypeError) as exc:
            raise FetchError("invalid_url", f"not a valid web address: {text[:200]}", url=text) from exc
        if parsed.scheme not in ("http", "https"):
            raise FetchError(
                "invalid_url",
                f"only http and https addresses can be fetched, not {parsed.scheme or 'a relative address'}",
                url=text,
            )
        if not parsed.host:
            raise FetchError("invalid_url", "the address has no host name", url=text)
        if parsed.userinfo:
            # http://trusted.example@10.0.0.1/ reads as one host to people and another to clients.
            raise FetchError(
                "invalid_url", "addresses with a user name or password are not fetched", url=text
            )
        try:
            netguard.check_host(parsed.host, self._policy)
        except netguard.GuardError as exc:
            raise FetchError(exc.kind, exc.message, url=text) from exc
        return parsed

    def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        try:
            result = self.fetch(robots_url, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            return RobotsAnswer(exc.status if exc.kind == "http_status" else None, "")
        return RobotsAnswer(result.status, result.text())


# -- small helpers ----------------------------------------------------------------------------------------


def _host_key(url: httpx.URL) -> str:
    """Politeness is per server: host and port (the default port when none is written)."""
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _size_words(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:g} MiB"
    if size >= 1024:
        return f"{size / 1024:g} KiB"
    return f"{size} bytes"


def _duration_words(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:g} s" if seconds == int(seconds) else f"{seconds:.1f} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def _header_safe(value: str) -> bool:
    """A validator from storage goes back into a header only if it cannot break or crash the request."""
    return value.isprintable() and value.isascii() and len(value) <= 1024


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
