"""Rate limits and throttles counted in the database, so they hold across web processes and machines.

A rate is "N per S seconds" (settings say it as ``"N/S"``). `take` counts an action and refuses it
once the window is full; `check` + `hit` let a caller count only failures (log-in throttling).
A refusal says exactly when the next try can succeed: the moment the oldest counted event in the
window leaves it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newsdesk.readers.models import RateEvent

# Rows older than this are deleted as new ones come in; no configured window may be longer.
KEEP_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Rate:
    limit: int
    window_s: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"5/60"`` → 5 per 60 seconds."""
        count, _, seconds = text.partition("/")
        rate = cls(int(count), int(seconds or 60))
        if rate.limit < 1 or not 1 <= rate.window_s <= KEEP_FOR.total_seconds():
            raise ValueError(f"bad rate {text!r}: want N/SECONDS with N ≥ 1 and at most a day")
        return rate


@dataclass(frozen=True)
class Limited:
    """A refusal: how long to wait, and until when."""

    retry_after_s: int
    until: datetime

    @property
    def wait_words(self) -> str:
        s = self.retry_after_s
        if s < 90:
            return f"{s} second{'s' if s != 1 else ''}"
        if s < 90 * 60:
            m = math.ceil(s / 60)
            return f"{m} minutes"
        h = math.ceil(s / 3600)
        return f"{h} hour{'s' if h != 1 else ''}"

    @property
    def message(self) -> str:
        at = timezone.localtime(self.until).strftime("%H:%M:%S %Z")
        return f"Try again in {self.wait_words} (at {at})."


def hashed(value: str) -> str:
    """A keyed hash of an account name or address: counts need no personal data kept."""
    return hmac.new(
        settings.SECRET_KEY.encode(), value.encode("utf-8", "replace"), hashlib.sha256
    ).hexdigest()


def _window(scope: str, value: str, rate: Rate, now: datetime):
    return RateEvent.objects.filter(
        scope=scope, key=hashed(value), at__gt=now - timedelta(seconds=rate.window_s)
    )


def _refusal(times: list[datetime], rate: Rate, now: datetime) -> Limited:
    # With n events in the window, the (n - limit + 1)-th oldest must leave it before one more fits.
    oldest_to_leave = sorted(times)[len(times) - rate.limit]
    until = oldest_to_leave + timedelta(seconds=rate.window_s)
    return Limited(max(1, math.ceil((until - now).total_seconds())), until)


def check(scope: str, value: str, rate: Rate) -> Limited | None:
    """Refusal if the window already holds `rate.limit` events, else None (nothing is counted)."""
    now = timezone.now()
    times = list(_window(scope, value, rate, now).values_list("at", flat=True))
    return _refusal(times, rate, now) if len(times) >= rate.limit else None


def hit(scope: str, value: str) -> RateEvent:
    """Count one event now."""
    now = timezone.now()
    RateEvent.objects.filter(scope=scope, key=hashed(value), at__lt=now - KEEP_FOR).delete()
    return RateEvent.objects.create(scope=scope, key=hashed(value), at=now)


def take(scope: str, value: str, rate: Rate) -> Limited | None:
    """Count one event unless the window is full; a refused event is not counted."""
    return take_event(scope, value, rate)[1]


def take_event(scope: str, value: str, rate: Rate) -> tuple[RateEvent | None, Limited | None]:
    """`take`, also giving back the counted event (a caller may delete it: a log-in that succeeded).

    Insert first, then count the events up to ours: two processes racing for the last slot cannot
    both see room, because each counts the other's row once it is committed (on PostgreSQL a row
    with a lower id may commit later, so a race can let one event too many through).
    """
    event = hit(scope, value)
    window = _window(scope, value, rate, event.at + timedelta(microseconds=1)).filter(pk__lte=event.pk)
    times = list(window.values_list("at", flat=True))
    if len(times) <= rate.limit:
        return event, None
    event.delete()
    times.remove(event.at)
    return None, _refusal(times, rate, event.at)


def clear(scope: str, value: str) -> None:
    RateEvent.objects.filter(scope=scope, key=hashed(value)).delete()


class LoginGuard:
    """Failed log-ins counted per (scope, value, rate): each attempt takes a slot before the secret
    is checked (a burst from many processes cannot slip past the count); success gives slots back.

    Shared by the site's log-in form and the reader-app protocols (Google Reader, Fever).
    """

    def __init__(self, counters: list[tuple[str, str, Rate]]) -> None:
        self.counters = counters
        self._events: list[RateEvent] = []

    def start(self) -> Limited | None:
        """Count this attempt; a refusal if any window is already full (then nothing stays counted)."""
        for scope, value, rate in self.counters:
            event, limited = take_event(scope, value, rate)
            if limited:
                self.give_back()
                return limited
            self._events.append(event)  # type: ignore[arg-type]
        return None

    def give_back(self) -> None:
        for event in self._events:
            event.delete()
        self._events = []

    def failed(self) -> Limited | None:
        """After a failure: a refusal if that failure filled a window (say so now, not next time)."""
        for scope, value, rate in self.counters:
            if limited := check(scope, value, rate):
                return limited
        return None


def _client_header() -> str:
    """NEWSDESK_CLIENT_IP_HEADER as Django's META key ("" when unset)."""
    header = getattr(settings, "NEWSDESK_CLIENT_IP_HEADER", "").strip()
    if header and not header.startswith("HTTP_"):
        header = "HTTP_" + header.upper().replace("-", "_")
    return header


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the last hop of a header set by a trusted proxy.

    The one place any limit, log or check finds a client's address (a test keeps it so): behind a
    proxy every request comes from the proxy, and a limiter keyed on REMOTE_ADDR would lock out
    everyone at once. NEWSDESK_CLIENT_IP_HEADER names the header as Django's META key
    (HTTP_X_FORWARDED_FOR) or as sent (X-Forwarded-For).
    """
    header = _client_header()
    if header and (forwarded := request.META.get(header, "")):
        return forwarded.split(",")[-1].strip()[:100] or "unknown"
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def from_this_machine(request: HttpRequest) -> bool:
    """The request came straight from a loopback address, not through a proxy (which would add the
    header that names the client; a proxy on this machine makes every request look local)."""
    proxied = any(
        request.META.get(h)
        for h in (
            "HTTP_X_FORWARDED_FOR",
            "HTTP_FORWARDED",
            "HTTP_X_REAL_IP",
            _client_header() or "HTTP_X_FORWARDED_FOR",
        )
    )
    try:
        local = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        local = False
    return local and not proxied


def too_many(
    request: HttpRequest,
    limited: Limited,
    what: str,
    template: str = "readers/limited.html",
    context: dict | None = None,
) -> HttpResponse:
    """HTTP 429 that says plainly when to try again (also as Retry-After, in seconds)."""
    ctx = {"limited": limited, "what": what, **(context or {})}
    response = render(request, template, ctx, status=429)
    response["Retry-After"] = str(limited.retry_after_s)
    return response
