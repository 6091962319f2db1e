"""The polite HTTP fetcher: conditional GET, Retry-After, per-host limits, size and time caps, SSRF guard.

Every URL is hostile. A fetch either returns a `FetchResult` or raises `FetchError` whose `kind`
says what went wrong and whose `message` says it in plain words for the operator; no other
exception escapes for anything a server or a URL can do.

Sync httpx, because the Huey worker runs tasks in threads. Why it does some things by hand:
- redirects are followed one hop at a time so that every hop goes through the SSRF guard again;
- the body is read raw and decompressed here with an output limit, because httpx inflates a whole
  network chunk at once (64 KiB of brotli can inflate to gigabytes);
- a total deadline per fetch is enforced on every socket operation (`netguard.GuardedBackend`),
  because httpx's timeouts restart with each read and a server trickling a byte a second would
  otherwise hold a worker for hours.
"""

from __future__ import annotations

import codecs
import contextvars
import functools
import itertools
import re
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from types import MappingProxyType, TracebackType
from typing import Literal, Protocol, Self

import brotli
import charset_normalizer
import httpcore
import httpx

from newsdesk.pipeline import netguard
from newsdesk.pipeline.robots import RobotsAnswer, RobotsCache
from newsdesk.pipeline.schedule import parse_retry_after

FetchErrorKind = Literal[
    "blocked_address",
    "dns",
    "connect",
    "timeout",
    "too_large",
    "too_many_redirects",
    "http_status",
    "rate_limited",
    "bot_challenge",
    "decompression_bomb",
    "robots_disallowed",
    "invalid_url",
    "tls",
    "protocol",  # the server broke HTTP: malformed headers, a cut-off body, undecodable compression
]

MAX_RETRY_AFTER_S = 86400.0  # a server asking for a longer pause gets 24 h: the scheduler never stops
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_SNIFF_BYTES = 64 * 1024  # how much of an error page is read to recognise a bot check
_TINY_PAGE = 64 * 1024  # a 200 page this small that carries a challenge marker is the challenge itself
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
)

# The deadline (time.monotonic) of the fetch running in this thread, read by the network backend.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsdesk_fetch_deadline", default=None
)


def _remaining_s() -> float | None:
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


class FetchError(Exception):
    """A fetch that did not give the page; `kind` is for code, `message` for people."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        url: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: FetchErrorKind = kind
        self.message = message
        self.url = url
        self.status = status
        self.retry_after_s = retry_after_s

    def __repr__(self) -> str:
        return f"FetchError({self.kind!r}, {self.message!r}, url={self.url!r}, status={self.status!r})"


@dataclass(frozen=True)
class FetchResult:
    """A fetched resource. `body` is decompressed and never longer than the fetcher's cap."""

    url: str  # final URL after redirects
    status: int  # the 2xx status, or 304 when not_modified
    not_modified: bool
    body: bytes
    text_encoding: str | None  # codec name for text types; None for binary or 304
    content_type: str  # media type without parameters, lowercased ("" when the server gave none)
    etag: str | None
    last_modified: str | None
    headers: Mapping[str, str] = field(repr=False)  # lowercased names; repeated headers joined by ", "
    elapsed_s: float = 0.0

    def text(self) -> str:
        """The body as text, decoded with `text_encoding` (UTF-8 if unknown), bad bytes replaced."""
        encoding = self.text_encoding or "utf-8"
        if encoding == "utf-8":
            encoding = "utf-8-sig"  # drop a byte-order mark rather than show it
        return self.body.decode(encoding, errors="replace")


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
            transport=_GuardedTransport(self._policy),
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
        token = _deadline.set(deadline)
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
            _deadline.reset(token)
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
        content_type = _media_type(response.headers.get("content-type", ""))
        if ("html" in content_type or not content_type) and len(body) <= _TINY_PAGE:
            vendor = bot_challenge_vendor(status, response.headers, body)
            if vendor is not None:
                raise _challenge_error(vendor, url, status, None)
        return self._result(response, url, body, started)

    def _result(self, response: httpx.Response, url: httpx.URL, body: bytes, started: float) -> FetchResult:
        content_type_header = response.headers.get("content-type", "")
        content_type = _media_type(content_type_header)
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
            decoder = _Decoder(encodings)
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
        except (zlib.error, brotli.error) as exc:
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
                sniff = self._read_body(response, url, _SNIFF_BYTES, truncate=True)
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
            return _challenge_error(vendor, url, status, retry_after)
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


# -- transport ------------------------------------------------------------------------------------------


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with a connection pool whose sockets come only from the SSRF guard."""

    def __init__(
        self, policy: netguard.AddressPolicy, remaining_s: Callable[[], float | None] = _remaining_s
    ) -> None:
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
            network_backend=netguard.GuardedBackend(policy, remaining_s=remaining_s),
        )


def guarded_transport(
    policy: netguard.AddressPolicy, *, remaining_s: Callable[[], float | None] | None = None
) -> httpx.HTTPTransport:
    """An httpx transport whose sockets come only from the SSRF guard (for calls that are not
    fetches, such as webhook POSTs); `remaining_s` gives the seconds left of the caller's total
    deadline, which bounds every socket operation (as a fetch's does)."""
    return _GuardedTransport(policy, remaining_s or _remaining_s)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context (certifi's CAs) for all fetchers: loading the CA bundle takes ~0.1 s."""
    return httpx.create_ssl_context(trust_env=False)


# -- decompression ----------------------------------------------------------------------------------------


class _Stage(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes: ...
    def flush(self, limit: int) -> bytes: ...


class _ZlibStage:
    """gzip or deflate; `deflate` may be zlib-wrapped (as the RFC says) or raw (as many servers send)."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"
        self._started = False
        self._d = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        )

    def decode(self, data: bytes, limit: int) -> bytes:
        # limit >= 1 always (0 would mean "no limit" to zlib); reaching it means the cap is passed.
        try:
            out = self._d.decompress(data, limit)
        except zlib.error:
            if not self._raw_fallback or self._started:
                raise
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data, limit)
        self._started = True
        return out

    def flush(self, limit: int) -> bytes:
        return (
            self._d.decompress(self._d.unconsumed_tail, limit) if self._d.unconsumed_tail else self._d.flush()
        )


class _BrotliStage:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def decode(self, data: bytes, limit: int) -> bytes:
        out = self._d.process(data, output_buffer_limit=limit)
        while len(out) < limit and not self._d.can_accept_more_data():
            more = self._d.process(b"", output_buffer_limit=limit - len(out))
            if not more:
                break
            out += more
        return out

    def flush(self, limit: int) -> bytes:
        return self.decode(b"", limit)


class _Decoder:
    """Undoes a Content-Encoding list (applied left to right, so undone right to left) with bounded output."""

    def __init__(self, encodings: Iterable[str]) -> None:
        self._stages: list[_Stage] = []
        for encoding in reversed(list(encodings)):
            if encoding in ("gzip", "x-gzip", "deflate"):
                self._stages.append(_ZlibStage(encoding))
            elif encoding == "br":
                self._stages.append(_BrotliStage())
            else:
                raise ValueError(f"the server used a compression we cannot read ({encoding[:40]})")

    def decode(self, data: bytes, limit: int) -> bytes:
        for stage in self._stages:
            data = stage.decode(data, limit)
        return data

    def flush(self, limit: int) -> bytes:
        data = b""
        for stage in self._stages:
            data = stage.decode(data, limit) + stage.flush(limit)
        return data


# -- bot checks -----------------------------------------------------------------------------------------

# Markers that only a challenge page carries: enough on their own, even on a small 200 page.
_CHALLENGE_MARKERS: tuple[tuple[str, str], ...] = (
    ("cf-chl", "Cloudflare"),
    ("<title>just a moment...</title>", "Cloudflare"),
    ("attention required! | cloudflare", "Cloudflare"),
    ("cf-browser-verification", "Cloudflare"),
    ("enable javascript and cookies to continue", "Cloudflare"),
    ("/_sec/cp_challenge/", "Akamai"),
    ("captcha-delivery.com", "DataDome"),
    ("px-captcha", "PerimeterX"),
    ("_pxcaptcha", "PerimeterX"),
    ("incapsula incident id", "Imperva"),
)
# Vendor scripts that are also injected into ordinary pages: they name the vendor of a 403/429/503 only.
_VENDOR_MARKERS: tuple[tuple[str, str], ...] = (
    ("challenge-platform", "Cloudflare"),
    ("_incapsula_resource", "Imperva"),
    ("datadome", "DataDome"),
    ("perimeterx", "PerimeterX"),
)
# Words an ordinary article may contain: they count only on a 403/429/503 answer.
_WEAK_MARKERS: tuple[str, ...] = (
    "just a moment",
    "attention required",
    "please enable javascript and cookies",
    "captcha",
    "verify you are human",
    "are you a robot",
    "checking your browser",
    "access denied",
)


def bot_challenge_vendor(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """The anti-bot vendor whose challenge page this is ("Cloudflare", …, or "unknown"), else None."""
    lowered = {k.lower(): v.lower() for k, v in headers.items()}
    if lowered.get("cf-mitigated") == "challenge":
        return "Cloudflare"
    text = body[:_SNIFF_BYTES].decode("latin-1").lower()
    for marker, vendor in _CHALLENGE_MARKERS:
        if marker in text:
            return vendor
    if status not in (403, 429, 503):
        return None
    for marker, vendor in _VENDOR_MARKERS:
        if marker in text:
            return vendor
    if any(marker in text for marker in _WEAK_MARKERS):
        server = lowered.get("server", "")
        if "cloudflare" in server:
            return "Cloudflare"
        if "akamai" in server:
            return "Akamai"
        if "x-datadome" in lowered or "datadome" in lowered.get("set-cookie", ""):
            return "DataDome"
        return "unknown"
    return None


def _challenge_error(vendor: str, url: httpx.URL, status: int, retry_after: float | None) -> FetchError:
    who = "" if vendor == "unknown" else f" ({vendor})"
    return FetchError(
        "bot_challenge",
        f"the site answered with a bot check{who} instead of the page",
        url=str(url),
        status=status,
        retry_after_s=retry_after,
    )


# -- character sets -------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']\s*([\w.:+-]+)""", re.IGNORECASE)
_META = re.compile(r"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_SNIFF_TEXT = 256 * 1024  # enough text to judge an encoding; a 15 MiB page need not be scanned whole
_UNLIKELY_LETTERS = frozenset("ðÐþÞýÝ")  # Icelandic letters: in other text they are Turkish ğ ş ı misread
_WESTERN_MARKS = frozenset("\u00a0‘’‚“”„–—…•€£¥¢«»‹›°§¶©®™·¿¡×÷±½¼¾†‡‰ªº´¨¸")
# WHATWG: browsers read these labels as windows-1252, and so do pages that declare them.
_AS_CP1252 = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})


def detect_encoding(body: bytes, content_type_header: str) -> str | None:
    """The text encoding of a body (a Python codec name), or None when the type is not text.

    Order: byte-order mark (it wins in browsers too), the HTTP charset, `<meta charset>` or the XML
    declaration, JSON's UTF-8, then a UTF-8 check and charset-normalizer's guess.
    """
    media_type = _media_type(content_type_header)
    if media_type and not _is_textual(media_type):
        return None
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    match = _CHARSET_PARAM.search(content_type_header)
    declared = _codec(match.group(1)) if match else None
    if declared:
        return declared
    head = body[:4096].decode("ascii", errors="replace")
    for pattern in (_XML_DECL, _META):
        match = pattern.search(head)
        declared = _codec(match.group(1)) if match else None
        if declared:
            # A page readable as ASCII to find its meta tag cannot really be UTF-16 (WHATWG).
            return "utf-8" if declared.startswith("utf-16") or declared.startswith("utf-32") else declared
    if "json" in media_type:
        return "utf-8"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if _looks_like_cp1252(body[:_SNIFF_TEXT]):
        return "cp1252"
    guess = charset_normalizer.from_bytes(body).best()
    return _codec(guess.encoding) if guess is not None else "cp1252"


def _looks_like_cp1252(sample: bytes) -> bool:
    """Whether undeclared legacy bytes read as plausible Western text in windows-1252.

    That is the web's commonest undeclared encoding and browsers' default, yet charset-normalizer
    often names a cousin for it (cp1250, cp1257, cp852) and turns quotes into box drawings. Text in
    another code page betrays itself read as cp1252: Cyrillic or Greek become runs of accented
    letters, Polish and Turkish produce superscripts and Icelandic letters inside words.
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False  # bytes that windows-1252 leaves undefined
    letters = sum(1 for ch in text if ch.isalpha())
    accented = odd = 0
    for ch in text:
        if ch.isascii():
            continue
        if ch in _UNLIKELY_LETTERS or not (ch.isalpha() or ch in _WESTERN_MARKS):
            odd += 1
        elif ch.isalpha():
            accented += 1
    return odd <= max(2, (accented + odd) // 50) and accented <= 0.3 * max(letters, 1)


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    if name in _AS_CP1252:
        return "cp1252"
    return "utf-8" if name == "utf-8-sig" else name


def _is_textual(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type.endswith(("+xml", "/xml", "+json", "/json"))
        or media_type in ("application/javascript", "application/x-javascript", "application/ecmascript")
    )


# -- small helpers ----------------------------------------------------------------------------------------


def _host_key(url: httpx.URL) -> str:
    """Politeness is per server: host and port (the default port when none is written)."""
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


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
