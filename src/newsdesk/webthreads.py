"""Django's views served from the ASGI server through a fixed pool of threads in each web process.

Django's own ASGI handler runs a sync view in a thread of its own per request and hops between the
event loop and that thread for every middleware's request and response halves (some fifteen hops a
page): a signed-in reader's cached page cost 4 ms that way, against 1.2 ms through Django's WSGI
handler with a kept database connection (docs/quality.md). So requests that pages/fastpath.py does not
answer are handed, whole, to Django's WSGI handler in one of this process's threads: one hop there and
one back. Each thread keeps its database connections between requests (for KEEP_CONNECTION_S, checked
before reuse), so a process holds at most as many as it has threads; other processes (worker, CLI)
connect per task as before.

The request's body is read on the event loop first (spooled to disk past
FILE_UPLOAD_MAX_MEMORY_SIZE, as Django's ASGI handler does); an answer is sent whole, or chunk by
chunk from the thread when it is streamed (a FileResponse). The WSGI environ is built as Django's
ASGIRequest builds its META, except that headers whose names hold an underscore are dropped (as WSGI
servers do: `X_User` must not pass for `X-User`).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connections

KEEP_CONNECTION_S = 600
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def web_threads() -> int:
    raw = os.environ.get("NEWSDESK_WEB_THREADS", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise SystemExit(f"NEWSDESK_WEB_THREADS must be a whole number ≥ 1, not {raw!r}")
        return int(raw)
    return 4


class Aborted(Exception):
    """The client went away before its request's body was read."""


class DjangoInThreads:
    """An ASGI application that runs `wsgi_app` (Django's WSGI handler) in a pool of `threads`."""

    def __init__(self, wsgi_app: WSGIApp, threads: int) -> None:
        self.app = wsgi_app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="web", initializer=_keep_connections)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # no websockets; the servers are run without lifespan events
            return
        with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b") as body:
            try:
                await _read_body(receive, body)
            except Aborted:
                return
            loop = asyncio.get_running_loop()
            # A fresh context per request: the request id and route the middleware sets stay its own.
            run = contextvars.copy_context().run
            environ = _environ(scope, body)
            answer = await loop.run_in_executor(self.pool, run, self._respond, environ, loop, send)
        if answer is None:  # streamed from the thread
            return
        start, content = answer
        await send(start)
        await send({"type": "http.response.body", "body": content})

    def _respond(
        self, environ: dict[str, Any], loop: asyncio.AbstractEventLoop, send: Any
    ) -> tuple[dict[str, Any], bytes] | None:
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started["start"] = {
                "type": "http.response.start",
                "status": int(status.split(" ", 1)[0]),
                "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
            }

        result = self.app(environ, start_response)
        try:
            if not getattr(result, "streaming", False):
                return started["start"], b"".join(result)

            # Streamed (a file): each chunk handed to the event loop, waiting for it to be sent, so a
            # slow client holds this thread, not the whole file in memory.
            def deliver(message: dict[str, Any]) -> bool:
                try:
                    asyncio.run_coroutine_threadsafe(send(message), loop).result()
                except Exception:  # the client went away: the rest is not read
                    return False
                return True

            if deliver(started["start"]):
                for chunk in result:
                    part = {"type": "http.response.body", "body": chunk, "more_body": True}
                    if chunk and not deliver(part):
                        return None
                deliver({"type": "http.response.body", "body": b""})
            return None
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: this thread's connection is kept or closed


def _keep_connections() -> None:
    """This thread's database connections outlive its requests (Django's CONN_MAX_AGE, for this
    thread's connection objects only: each thread has its own)."""
    for alias in connections:
        wrapper = connections[alias]
        kept = {"CONN_MAX_AGE": KEEP_CONNECTION_S, "CONN_HEALTH_CHECKS": True}
        wrapper.settings_dict = {**wrapper.settings_dict, **kept}


async def _read_body(receive: Any, body: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Aborted
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body.seek(0)


def _wsgi_str(text: str) -> str:
    """WSGI's native strings: the UTF-8 bytes, each as one latin-1 character."""
    return text.encode("utf-8", "replace").decode("latin-1")


def _environ(scope: dict[str, Any], body: Any) -> dict[str, Any]:
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": _wsgi_str(root),
        "PATH_INFO": _wsgi_str(path) or "/",
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        if "_" in name:
            continue
        if name == "content-length":
            key = "CONTENT_LENGTH"
        elif name == "content-type":
            key = "CONTENT_TYPE"
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if key == "HTTP_COOKIE":
            value = value.rstrip("; ")
            if key in environ:
                value = environ[key] + "; " + value
        elif key in environ:
            value = environ[key] + "," + value
        environ[key] = value
    return environ
