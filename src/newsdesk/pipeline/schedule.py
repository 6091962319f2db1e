"""When to fetch a source again: back-off after errors, refresh interval from the publishing rate.

All pure arithmetic on numbers and datetimes, so the scheduler and the tests agree exactly.
Naive datetimes are read as UTC, because feeds and servers mix both and comparing them must not raise.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(hours=24)
WEEK = timedelta(days=7)
_FAR_FUTURE_S = 10.0 * 365 * 86400

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


def backoff_delay(
    consecutive_failures: int,
    *,
    base_s: float = 300.0,
    cap_s: float = 86400.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after `consecutive_failures` failures in a row: base·2^(n-1), capped, jittered.

    The jitter keeps the result in [half, all] of the exponential delay so that sources failing
    together do not retry together, while never retrying sooner than half the intended wait.
    A source is never given up on: the delay stops growing at `cap_s` (24 h).
    """
    if consecutive_failures <= 0:
        return 0.0
    exponent = min(consecutive_failures - 1, 64)  # 2**64 · base is far past any cap; avoids overflow
    delay = min(cap_s, base_s * 2.0**exponent)
    return min(cap_s, delay * (0.5 + 0.5 * rng()))


def refresh_interval(
    entry_times: Sequence[datetime],
    *,
    now: datetime,
    ttl_minutes: float | None = None,
    cache_max_age_s: float | None = None,
) -> timedelta:
    """How often to poll a feed: about one week divided by its entries per week, 5 min … 24 h.

    The rate is measured over the last seven days; a feed with nothing that recent is measured over
    all the entries given (their average gap). The feed's own TTL or the server's Cache-Control
    max-age raise the interval when larger, but never beyond 24 h.
    """
    now = _aware(now)
    times = [min(_aware(t), now) for t in entry_times]  # an entry dated in the future counts as now
    recent = [t for t in times if now - t <= WEEK]
    if recent:
        interval = WEEK / len(recent)
    elif times:
        interval = (now - min(times)) / len(times)
    else:
        interval = MAX_INTERVAL
    interval = min(max(interval, MIN_INTERVAL), MAX_INTERVAL)
    cap_s = MAX_INTERVAL.total_seconds()  # clamp before timedelta(): a TTL of 1e20 would overflow it
    for floor_s in (ttl_minutes * 60 if ttl_minutes is not None else None, cache_max_age_s):
        if floor_s is not None and math.isfinite(floor_s) and floor_s > 0:
            interval = max(interval, timedelta(seconds=min(floor_s, cap_s)))
    return interval


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if unreadable."""
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"[0-9]+", value):
        return min(float(value), _FAR_FUTURE_S)  # a hostile 400-digit value must stay a finite number
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return max(0.0, (_aware(when) - _aware(now)).total_seconds())


def parse_cache_max_age(headers: Mapping[str, str]) -> int | None:
    """The max-age of a Cache-Control header, in seconds; None when absent or caching is forbidden."""
    value = next((v for k, v in headers.items() if k.lower() == "cache-control"), None)
    if value is None:
        return None
    if re.search(r"(?:^|[,\s])no-(?:store|cache)\b", value, re.IGNORECASE):
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
