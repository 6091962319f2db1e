"""Pages made once and served to many readers, current to the events that change them.

A cached view (`@cached_page`) is made with its reader's own parts left as holes (readers/holes.py)
and kept under the reader's variant (what they mute: readers who mute nothing share one copy; mutes
change which articles a page lists) and the full path. The page names what it was made from
(`depends_on(request, tag)`: "story:12", "article:345", "front"; every page also "site") and is
current while none of those changed since its making began (runtime/pagechanges.py) and it is
younger than its time to live (relative times, ranking by age). Each request gets the page with its
holes filled for its reader: an anonymous reader's copy is filled once, when it is made, and may be
answered before Django is reached (pages/fastpath.py). Pages are kept in this process (an LRU) and
shared: in Redis with REDIS_URL set (every process on every machine), else as files under
NEWSDESK_HOME/pages (every web process of this machine), so one making serves them all.

Every answer carries an ETag (the page's, plus its filled holes and the reader's CSRF secret) and
`Cache-Control: no-cache`: a browser asks again with If-None-Match and gets 304 while nothing changed.
Staff pages are never cached (they show costs and errors only staff see).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

import newsdesk.comments.templatetags.comments
import newsdesk.readers.templatetags.readers  # noqa: F401  (registers the readers' holes)
from newsdesk.readers.holes import CSRF_PLACEHOLDER, HoleRecorder, fill
from newsdesk.readers.state import reader_state
from newsdesk.runtime import pagechanges
from newsdesk.runtime.lru import LRU

log = logging.getLogger(__name__)
STATIC_HEADER = "X-Newsdesk-Shared-Page"  # internal: the answer is the anonymous copy (fastpath keeps it)
LOCAL_ENTRIES = 2000


@dataclass
class Entry:
    key: str
    tags: tuple[str, ...]
    made_at: int  # the change log's position when its making began
    created: float
    ttl: float
    body: str  # with hole markers
    nonce: str
    holes: list[tuple[str, tuple[Any, ...]]]
    content_type: str
    etag: str
    anon_body: bytes | None = None  # filled for an anonymous reader, when no part of it is per request
    anon_etag: str = ""

    def current(self) -> bool:
        if time.time() - self.created >= min(self.ttl, pagechanges.MAX_AGE_S):
            return False
        return pagechanges.FEED.current(self.tags, self.made_at)


class PageStore:
    """This process's pages (LRU), and Redis's when REDIS_URL is set."""

    def __init__(self) -> None:
        self._local: LRU[str, Entry] = LRU(LOCAL_ENTRIES)
        self._redis: Any = None
        self._redis_url = ""
        self._redis_failed_at = 0.0
        self._puts = 0

    def _client(self) -> Any:
        url = settings.REDIS_URL
        if not url or time.monotonic() - self._redis_failed_at < 30:
            return None
        if self._redis is None or self._redis_url != url:
            import redis

            self._redis = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
            self._redis_url = url
        return self._redis

    @staticmethod
    def _redis_prefix() -> str:
        return os.environ.get("NEWSDESK_QUEUE_NAME", "newsdesk") + ":page:"

    def _redis_key(self, key: str) -> str:
        return self._redis_prefix() + hashlib.sha256(key.encode()).hexdigest()

    def local(self, key: str) -> Entry | None:
        return self._local.get(key)

    def get(self, key: str) -> Entry | None:
        entry = self.local(key)
        if entry is not None and entry.current():
            return entry
        raw = self._shared_get(key)
        if raw is None:
            return None
        try:
            entry = pickle.loads(raw)  # written by this site's own processes only
        except Exception:  # a file cut short by a full disk: made again
            return None
        if not isinstance(entry, Entry) or entry.key != key or not entry.current():
            return None
        self._keep(entry)
        return entry

    def put(self, entry: Entry) -> None:
        self._keep(entry)
        left = max(1, int(entry.ttl - (time.time() - entry.created)))
        self._shared_put(entry.key, pickle.dumps(entry), left)

    # The shared level: Redis with REDIS_URL (every machine), else files under NEWSDESK_HOME (every
    # process of this machine: `newsdesk web` runs one per core).

    def _shared_get(self, key: str) -> bytes | None:
        client = self._client()
        if client is not None:
            try:
                return client.get(self._redis_key(key))
            except Exception:  # Redis away: this process's own pages only, for a while
                self._redis_broke()
                return None
        if settings.REDIS_URL:
            return None
        try:
            return (self._folder() / self._file_name(key)).read_bytes()
        except OSError:
            return None

    def _shared_put(self, key: str, raw: bytes, ttl_s: int) -> None:
        client = self._client()
        if client is not None:
            try:
                client.set(self._redis_key(key), raw, ex=ttl_s)
            except Exception:
                self._redis_broke()
            return
        if settings.REDIS_URL:
            return
        folder = self._folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{self._file_name(key)}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_bytes(raw)
            os.replace(tmp, folder / self._file_name(key))  # readers see the old file or the new one
        except OSError:
            log.warning("page cache: %s not writable; pages are kept in this process only", folder)
        self._puts += 1
        if self._puts % 500 == 0:
            self._prune_files(folder)

    @staticmethod
    def _folder() -> Path:
        return Path(settings.NEWSDESK_HOME) / "pages"

    @staticmethod
    def _file_name(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def _prune_files(folder: Path) -> None:
        """Files older than any page may live are deleted (their pages are no longer current)."""
        cutoff = time.time() - pagechanges.MAX_AGE_S
        for path in folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def _keep(self, entry: Entry) -> None:
        self._local.put(entry.key, entry)

    def _redis_broke(self) -> None:
        log.warning("page cache: Redis not reachable; pages are kept in this process only for 30 s")
        self._redis_failed_at = time.monotonic()

    def clear(self) -> None:
        """Forget every page (tests), here and in the shared level."""
        self._local.clear()
        client = self._client()
        if client is not None:
            with contextlib.suppress(Exception):
                for name in client.scan_iter(self._redis_prefix() + "*"):
                    client.delete(name)
        elif not settings.REDIS_URL:
            shutil.rmtree(self._folder(), ignore_errors=True)


STORE = PageStore()


def depends_on(request: HttpRequest, *tags: str) -> None:
    """Name what the page being made shows (its story, its article, the front page's lists)."""
    found = getattr(request, "page_tags", None)
    if found is not None:
        found.extend(tags)


def _variant(request: HttpRequest) -> str:
    state = reader_state(request)
    if not state.mutes_anything:
        return ""
    mutes = repr((sorted(state.muted_sources), sorted(state.muted_keywords)))
    return hashlib.sha256(mutes.encode()).hexdigest()[:16]


def _anonymous_twin(request: HttpRequest) -> HttpRequest:
    """A request for the same page by nobody in particular: what the shared anonymous copy is
    filled for (never the reader whose visit made the page)."""
    twin = HttpRequest()
    twin.method = "GET"
    twin.path = request.path
    twin.path_info = request.path_info
    twin.META = {"QUERY_STRING": request.META.get("QUERY_STRING", "")}
    twin.GET = QueryDict(request.META.get("QUERY_STRING", ""))
    twin.user = AnonymousUser()
    return twin


def _etag(*parts: str) -> str:
    return '"' + hashlib.blake2b("\x1e".join(parts).encode(), digest_size=16).hexdigest() + '"'


def _make(request: HttpRequest, key: str, ttl: float, view: Callable[..., HttpResponse], args, kwargs):
    made_at = pagechanges.FEED.position()
    recorder = HoleRecorder()
    request.page_holes = recorder  # type: ignore[attr-defined]
    request.page_tags = [pagechanges.SITE]  # type: ignore[attr-defined]
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
    finally:
        del request.page_holes  # type: ignore[attr-defined]
    tags = tuple(dict.fromkeys(request.page_tags))  # type: ignore[attr-defined]
    cacheable = (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )
    if not cacheable:  # an error page, a form's answer: its holes filled for this request only
        if recorder.holes and not response.streaming:
            page, _ = fill(response.content.decode(response.charset), recorder.nonce, recorder.holes, request)
            response.content = page.replace(CSRF_PLACEHOLDER, get_token(request)).encode()
        return None, response
    body = response.content.decode(response.charset)
    entry = Entry(
        key=key,
        tags=tags,
        made_at=made_at,
        created=time.time(),
        ttl=ttl,
        body=body,
        nonce=recorder.nonce,
        holes=recorder.holes,
        content_type=response["Content-Type"],
        etag=_etag(key, str(made_at), hashlib.blake2b(body.encode(), digest_size=16).hexdigest()),
    )
    if key.startswith("|"):  # the copy for readers who mute nothing: fill it once for anonymous ones
        page, parts = fill(body, recorder.nonce, recorder.holes, _anonymous_twin(request))
        if CSRF_PLACEHOLDER not in page:
            entry.anon_body = page.encode()
            entry.anon_etag = _etag(entry.etag, parts)
    STORE.put(entry)
    return entry, response


def _answer(request: HttpRequest, entry: Entry) -> HttpResponse:
    user = getattr(request, "user", None)
    shared = (
        entry.anon_body is not None
        and not (user is not None and user.is_authenticated)
        and len(get_messages(request)) == 0
    )
    if shared:
        assert entry.anon_body is not None
        body, etag = entry.anon_body, entry.anon_etag
    else:
        page, parts = fill(entry.body, entry.nonce, entry.holes, request)
        etag = _etag(entry.etag, parts, request.META.get("CSRF_COOKIE", ""))
        if CSRF_PLACEHOLDER in page:
            page = page.replace(CSRF_PLACEHOLDER, get_token(request))
        body = page.encode()
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=entry.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))
    if shared and response.status_code == 200:
        response[STATIC_HEADER] = quote(entry.key, safe="")
    return response


def cached_page(
    ttl: float, on_hit: Callable[..., None] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view from the page cache (see the module's docstring); `on_hit(request, *args,
    **kwargs)` does what the view does for the reader besides the page (an article marked read)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = getattr(request, "user", None)
            if (
                not settings.NEWSDESK_PAGE_CACHE
                or request.method not in ("GET", "HEAD")
                or (user is not None and user.is_staff)
            ):
                return view(request, *args, **kwargs)
            pagechanges.FEED.poll_if_due()
            key = f"{_variant(request)}|{request.get_full_path()}"
            entry = STORE.get(key)
            if entry is None:
                entry, response = _make(request, key, ttl, view, args, kwargs)
                if entry is None:
                    return response
            elif on_hit is not None:
                on_hit(request, *args, **kwargs)
            return _answer(request, entry)

        return wrapper

    return decorate
