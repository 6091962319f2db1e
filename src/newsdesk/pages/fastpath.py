"""Anonymous readers' cached pages answered in front of Django (the ASGI application's first step).

Django answers a cached page in about a millisecond; most of that is its request, middleware and
thread hop, not the page. So once Django has answered an anonymous reader with a page's shared copy
(pages/cache.py marks that answer), its bytes and headers (less the per-request ones) are kept here
under the raw path and query, and a later GET without a session or messages cookie is answered from
them while the page is current: no thread, no database, no middleware. Anything else goes to Django.
Answers from here are not in the per-route latency histogram or the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.conf import settings

from newsdesk.pages.cache import STATIC_HEADER, STORE, Entry
from newsdesk.runtime.lru import LRU

ENTRIES = 2000
_PER_REQUEST = {b"x-request-id", b"set-cookie", b"date", b"server", STATIC_HEADER.lower().encode()}


@dataclass
class Answer:
    entry: Entry
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class FastPath:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.answers: LRU[tuple[str, bytes], Answer] = LRU(ENTRIES)
        self.personal = (
            settings.SESSION_COOKIE_NAME.encode() + b"=",
            b"messages=",
        )

    def _anonymous(self, scope: dict[str, Any]) -> bool:
        for name, value in scope["headers"]:
            if name == b"cookie" and any(p in value for p in self.personal):
                return False
        return True

    def _current(self, key: tuple[str, bytes]) -> Answer | None:
        answer = self.answers.get(key)
        if answer is None:
            return None
        if STORE.local(answer.entry.key) is answer.entry and answer.entry.current():
            return answer
        self.answers.pop(key)
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not settings.NEWSDESK_PAGE_CACHE:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        anonymous = self._anonymous(scope)
        answer = self._current(key) if anonymous else None
        if answer is not None:
            if any(n == b"if-none-match" and answer.etag in v for n, v in scope["headers"]):
                headers = [h for h in answer.headers if h[0] in (b"etag", b"cache-control", b"vary")]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
            await send({"type": "http.response.body", "body": answer.body})
            return
        if not anonymous:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._keeper(key, send))

    def _keeper(self, key: tuple[str, bytes], send: Any) -> Any:
        """Pass Django's answer on; keep it when it is a page's shared anonymous copy."""
        state: dict[str, Any] = {}

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {n.lower() for n, _ in headers}
                marker = STATIC_HEADER.lower().encode()
                if message["status"] == 200 and marker in names:
                    state["headers"] = headers
                    state["body"] = []
                    message = {**message, "headers": [h for h in headers if h[0].lower() != marker]}
            elif message["type"] == "http.response.body" and "headers" in state:
                state["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, state["headers"], b"".join(state["body"]))
            await send(message)

        return keep

    def _keep(self, key: tuple[str, bytes], headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if any(n.lower() == b"set-cookie" for n, _ in headers):
            return
        etag = next((v for n, v in headers if n.lower() == b"etag"), b"")
        marker = STATIC_HEADER.lower().encode()
        page_key = next((v for n, v in headers if n.lower() == marker), b"")
        entry = STORE.local(unquote(page_key.decode("latin-1")))
        if entry is None or not etag or entry.anon_etag.encode() != etag:
            return
        kept = [(n.lower(), v) for n, v in headers if n.lower() not in _PER_REQUEST]
        self.answers.put(key, Answer(entry=entry, headers=kept, body=body, etag=etag))
