"""A real HTTP server on 127.0.0.1 for tests and benchmarks: static files plus programmable routes.

    with LoopbackServer() as server:
        server.serve_dir("/feeds", Path("tests/data/feeds"))
        server.route("/slow", hang())
        fetcher.fetch(server.url("/feeds/a.xml"))
        assert server.hits["/feeds/a.xml"] == 1

Static files carry ETag and Last-Modified and answer conditional requests with a real 304. Routes
get the request handler itself (`http.server.BaseHTTPRequestHandler`: `.path`, `.headers`,
`.send_response()`, `.wfile`, …) and write whatever they like; the factories below build the
hostile behaviours the fetcher must survive. Handlers that wait do so on `server.stopping`, so
leaving the `with` block never hangs, and every connection thread is a daemon.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import hashlib
import mimetypes
import ssl
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

Handler = Callable[[BaseHTTPRequestHandler], None]

_EXTRA_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".opml": "text/x-opml",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}


class LoopbackServer:
    """A threaded HTTP/1.1 server on an ephemeral loopback port; use it as a context manager.

    With `tls` (a server-side `ssl.SSLContext`) it speaks HTTPS; the handshake happens in the
    connection's thread, so a client that never finishes it does not block other connections.
    """

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.hits: Counter[str] = Counter()  # requests per path (query string left out)
        self.stopping = threading.Event()  # set on shutdown: waiting handlers must return
        self._routes: dict[str, Handler] = {}
        self._dirs: list[tuple[str, Path]] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.owner = self
        self._httpd.tls = tls
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/") -> str:
        """The absolute http URL of `path` on this server."""
        scheme = "https" if self._httpd.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def route(self, path: str, handler: Handler) -> None:
        """Answer requests for exactly `path` (query string ignored) with `handler`."""
        with self._lock:
            self._routes[path] = handler

    def serve_dir(self, prefix: str, root: Path) -> None:
        """Serve the files under `root` at `prefix/…`, with ETag, Last-Modified and 304s."""
        with self._lock:
            self._dirs.append(("/" + prefix.strip("/"), root.resolve()))

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="loopback-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _dispatch(self, request: BaseHTTPRequestHandler) -> None:
        path = urlsplit(request.path).path
        with self._lock:
            self.hits[path] += 1
            handler = self._routes.get(path)
            dirs = list(self._dirs)
        if handler is not None:
            handler(request)
            return
        for prefix, root in dirs:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                _serve_file(request, root, unquote(path[len(prefix) :]))
                return
        respond(request, 404, b"not found\n", content_type="text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer
    tls: ssl.SSLContext | None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            request.settimeout(10)
            secure = self.tls.wrap_socket(request, server_side=True)
        except OSError:
            return  # the client refused our certificate (or was no TLS client): nothing to serve
        try:
            super().finish_request(secure, client_address)
        finally:
            secure.close()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the fetcher's connection pool is exercised
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._dispatch(self)

    do_HEAD = do_GET
    do_POST = do_GET  # routes read the body themselves (webhook receivers, a stand-in LLM API)

    def handle(self) -> None:
        # The client gave up (as the fetcher does with hostile servers): not a server error.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests read hits, not logs


def respond(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    *,
    content_type: str = "text/html; charset=utf-8",
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send a complete response with a Content-Length (HEAD gets the headers only)."""
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    if request.command != "HEAD" and body:
        request.wfile.write(body)


def stopping(request: BaseHTTPRequestHandler) -> threading.Event:
    """The event a handler waits on, so that it returns when the server shuts down."""
    server = request.server
    assert isinstance(server, _Server)
    return server.owner.stopping


def _serve_file(request: BaseHTTPRequestHandler, root: Path, relative: str) -> None:
    target = (root / relative.lstrip("/")).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(root) or not target.is_file():
        respond(request, 404, b"not found\n", content_type="text/plain")
        return
    data = target.read_bytes()
    mtime = int(target.stat().st_mtime)
    etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
    validators = {"ETag": etag, "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
    if _not_modified(request, etag, mtime):
        request.send_response(304)
        for name, value in validators.items():
            request.send_header(name, value)
        request.end_headers()
        return
    content_type = _EXTRA_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
    respond(request, 200, data, content_type=content_type or "application/octet-stream", headers=validators)


def _not_modified(request: BaseHTTPRequestHandler, etag: str, mtime: int) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since is not None and mtime <= since.timestamp()
    return False


# -- behaviours for routes ---------------------------------------------------------------------------------


def static(
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "text/html",
    headers: Mapping[str, str] | None = None,
) -> Handler:
    """Always the same response."""
    return lambda request: respond(request, status, body, content_type=content_type, headers=headers)


def hang(*, after_headers: bool = False) -> Handler:
    """Never answer (or answer headers, then never the body) until the server stops."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        if after_headers:
            request.send_response(200)
            request.send_header("Content-Type", "text/html")
            request.send_header("Content-Length", "100000")
            request.end_headers()
            request.wfile.flush()
        stopping(request).wait()
        request.close_connection = True

    return handler


def trickle(*, interval_s: float = 0.5, chunk: bytes = b"x", total: int = 10_000) -> Handler:
    """Answer 200 at once, then send the body `chunk` by `chunk` every `interval_s`."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(total))
        request.end_headers()
        sent = 0
        while sent < total and not stopping(request).wait(interval_s):
            piece = chunk[: total - sent]
            request.wfile.write(piece)
            request.wfile.flush()
            sent += len(piece)
        request.close_connection = True

    return handler


def huge_body(size: int, *, declare_length: bool = False, content_type: str = "text/html") -> Handler:
    """Stream `size` bytes, announcing a Content-Length or not (then the body ends with the connection)."""
    block = b"a" * 65536

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        if declare_length:
            request.send_header("Content-Length", str(size))
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        _write_all(request, _blocks(block, size))

    return handler


def redirect(location: str, *, status: int = 302) -> Handler:
    """Redirect to `location` (relative or absolute)."""
    return lambda request: respond(request, status, b"", headers={"Location": location})


def rate_limited(retry_after: str, *, status: int = 429) -> Handler:
    """429 (or 503) with the given Retry-After value (seconds or an HTTP date)."""
    body = f"{status} {HTTPStatus(status).phrase}\n".encode()
    return lambda request: respond(
        request, status, body, content_type="text/plain", headers={"Retry-After": retry_after}
    )


CHALLENGE_PAGE = (
    b"<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title>"
    b"<meta http-equiv='refresh' content='360'></head><body><div class='main-wrapper'>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript></div>"
    b"<script>window._cf_chl_opt={cvId:'3',cType:'managed'};</script>"
    b"<script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script></body></html>"
)


def bot_challenge(*, status: int = 403) -> Handler:
    """A page shaped like Cloudflare's "Just a moment..." managed challenge."""
    return lambda request: respond(
        request, status, CHALLENGE_PAGE, headers={"Server": "cloudflare", "cf-mitigated": "challenge"}
    )


def compressed(body: bytes, *, encoding: str = "gzip", content_type: str = "text/html") -> Handler:
    """Serve `body` with Content-Encoding gzip or deflate."""
    data = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    return static(data, content_type=content_type, headers={"Content-Encoding": encoding})


def gzip_bomb(decompressed_size: int = 2**30) -> Handler:
    """A gzip body of `decompressed_size` zeros (rounded up to whole MiB; 1 GiB is ~1 MiB on the wire)."""
    return static(gzip_zeros(decompressed_size), headers={"Content-Encoding": "gzip"})


def gzip_zeros(size: int) -> bytes:
    """One gzip member holding `size` zero bytes (rounded up to whole MiB), built in milliseconds.

    After a sync flush the deflate state for a block of zeros repeats, so the compressed form of
    one such block is computed once and repeated instead of compressing a gigabyte.
    """
    block = bytes(2**20)
    blocks = max(1, -(-size // len(block)))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(block) + compressor.flush(zlib.Z_SYNC_FLUSH)
    steady = compressor.compress(block) + compressor.flush(zlib.Z_SYNC_FLUSH)
    if blocks > 2 and compressor.compress(block) + compressor.flush(zlib.Z_SYNC_FLUSH) != steady:
        raise RuntimeError("zlib did not reach a steady state on zeros")  # never seen; be loud, not wrong
    parts = [first] + [steady] * (blocks - 1)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no mtime
    trailer = crc.to_bytes(4, "little") + (blocks * len(block) % 2**32).to_bytes(4, "little")
    return header + b"".join(parts) + compressor.flush(zlib.Z_FINISH) + trailer


def counting(handler: Handler, gauge: ConcurrencyGauge) -> Handler:
    """Wrap `handler` so that `gauge` records how many requests are inside it at once."""

    def wrapped(request: BaseHTTPRequestHandler) -> None:
        with gauge:
            handler(request)

    return wrapped


class ConcurrencyGauge:
    """Counts requests in flight and remembers the most seen at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.current -= 1


def slow(delay_s: float, body: bytes = b"<p>slow but fine</p>") -> Handler:
    """Wait `delay_s` (or until shutdown), then answer 200."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        stopping(request).wait(delay_s)
        respond(request, 200, body)

    return handler


def _blocks(block: bytes, size: int) -> Iterable[bytes]:
    left = size
    while left > 0:
        piece = block[: min(len(block), left)]
        left -= len(piece)
        yield piece


def _write_all(request: BaseHTTPRequestHandler, pieces: Iterable[bytes]) -> None:
    event = stopping(request)
    for piece in pieces:
        if event.is_set():
            return
        request.wfile.write(piece)
