"""The reader's own parts of a page (account links, messages, follow / mute / save buttons, read
marks, comment forms) as holes, so that the rest of the page can be made once and shared.

A template tag for a personal part calls `personal(context, name, *args)`. While a shared page is
being made (`request.page_holes` is a `HoleRecorder`) it writes a marker that names the hole, with a
random nonce no page text can guess; otherwise it renders the part at once. `fill` renders every
hole of a shared page for one request. Each hole's arguments are plain values (ids, labels), never a
model, so a page kept in Redis carries them too. Forms in holes get `CSRF_PLACEHOLDER` as their token,
put in after the page's ETag is computed (a token is new on every request; the page is not).

A hole registered with `vary(request, *args)` (what of the reader its text depends on, besides its
arguments: "saved or not", the page's address) is rendered once per distinct (arguments, vary) and
its text reused from then on: a front page has some thirty save buttons, which differ between readers
only in that one bit, and rendering each from its template was half of a signed-in reader's page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from newsdesk.runtime.lru import LRU

CSRF_PLACEHOLDER = "\x00csrf\x00"
HOLES: dict[str, Callable[..., str]] = {}  # name -> render(request, csrf_token, *args) -> HTML
# name -> vary(request, *args): what else the text depends on (None: this once, render it afresh)
VARY: dict[str, Callable[..., Hashable | None]] = {}
KEPT_TEXTS = 20_000


def hole(
    name: str, vary: Callable[..., Hashable | None] | None = None
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    def register(fn: Callable[..., str]) -> Callable[..., str]:
        HOLES[name] = fn
        if vary is not None:
            VARY[name] = vary
        return fn

    return register


class Texts:
    """Rendered texts of holes with a `vary`, by (name, arguments, vary); newest use last."""

    def __init__(self) -> None:
        self._texts: LRU[Hashable, str] = LRU(KEPT_TEXTS)

    def render(self, name: str, args: tuple[Any, ...], request: HttpRequest | None) -> str:
        varies = VARY[name](request, *args)
        if varies is None:
            return HOLES[name](request, CSRF_PLACEHOLDER, *args)
        key = (name, args, varies)
        text = self._texts.get(key)
        if text is None:
            text = HOLES[name](request, CSRF_PLACEHOLDER, *args)
            self._texts.put(key, text)
        return text

    def clear(self) -> None:
        self._texts.clear()


TEXTS = Texts()


class HoleRecorder:
    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.holes: list[tuple[str, tuple[Any, ...]]] = []

    def add(self, name: str, args: tuple[Any, ...]) -> str:
        self.holes.append((name, args))
        return f"<!--hole:{self.nonce}:{len(self.holes) - 1}-->"


def personal(context: Any, name: str, *args: Any) -> SafeString:
    request = context.get("request")
    recorder = getattr(request, "page_holes", None)
    if recorder is not None:
        return mark_safe(recorder.add(name, args))
    return mark_safe(HOLES[name](request, context.get("csrf_token"), *args))


def fill(
    body: str, nonce: str, holes: list[tuple[str, tuple[Any, ...]]], request: HttpRequest | None
) -> tuple[str, str]:
    """The page for this request, and the text of its holes (what its ETag adds to the page's)."""
    marker = re.compile(f"<!--hole:{re.escape(nonce)}:([0-9]+)-->")
    done: dict[int, str] = {}

    def render(m: re.Match[str]) -> str:
        i = int(m.group(1))
        if i not in done:
            name, args = holes[i]
            if name in VARY:
                done[i] = TEXTS.render(name, args, request)
            else:
                done[i] = HOLES[name](request, CSRF_PLACEHOLDER, *args)
        return done[i]

    page = marker.sub(render, body)
    return page, "\x1f".join(done[i] for i in sorted(done))
