"""robots.txt for article pages: fetched once per site and cached, read with urllib.robotparser.

The cache does not fetch by itself: it is given a function (the guarded fetcher's) that returns a
`RobotsAnswer`, so robots.txt travels through the same SSRF guard, caps and politeness as pages.
Policy (RFC 9309, softened for a news reader): a missing robots.txt (4xx) allows everything and is
remembered for an hour; an unreachable one (5xx, 429, timeout) allows the fetch but is asked again
after a few minutes, so a site that comes back with rules is honoured soon.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

TTL_S = 3600.0
UNREACHABLE_TTL_S = 300.0
MAX_SITES = 10_000  # entries kept before expired ones are swept


class RobotsAnswer(NamedTuple):
    """What fetching robots.txt gave: the HTTP status (None when unreachable) and the text."""

    status: int | None
    text: str


RobotsFetch = Callable[[str], RobotsAnswer]


class _Entry(NamedTuple):
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    expires: float


class RobotsCache:
    """Answers "may this user agent fetch this URL?" with one robots.txt fetch per site per hour."""

    def __init__(
        self,
        fetch: RobotsFetch,
        *,
        user_agent: str,
        ttl_s: float = TTL_S,
        unreachable_ttl_s: float = UNREACHABLE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._user_agent = user_agent
        self._ttl_s = ttl_s
        self._unreachable_ttl_s = unreachable_ttl_s
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._site_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        """True when the site's robots.txt lets our user agent fetch `url`."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}".lower()
        entry = self._entry(site)
        if entry.parser is None:
            return True
        return entry.parser.can_fetch(self._user_agent, url)

    def _entry(self, site: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(site)
            if entry is not None and entry.expires > self._clock():
                return entry
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        # One fetch per site even when many article fetches for it start together.
        with site_lock:
            with self._lock:
                entry = self._entries.get(site)
                if entry is not None and entry.expires > self._clock():
                    return entry
            entry = self._load(site)
            with self._lock:
                if len(self._entries) >= MAX_SITES:
                    self._sweep()
                self._entries[site] = entry
            return entry

    def _load(self, site: str) -> _Entry:
        answer = self._fetch(f"{site}/robots.txt")
        now = self._clock()
        if answer.status is not None and 200 <= answer.status < 300:
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(answer.text.splitlines())
            _longest_match_first(parser)
            return _Entry(parser, now + self._ttl_s)
        if answer.status is not None and 400 <= answer.status < 500 and answer.status != 429:
            return _Entry(None, now + self._ttl_s)
        return _Entry(None, now + self._unreachable_ttl_s)

    def _sweep(self) -> None:
        now = self._clock()
        for site in [s for s, e in self._entries.items() if e.expires <= now]:
            del self._entries[site]
            self._site_locks.pop(site, None)
        if len(self._entries) >= MAX_SITES:  # all fresh: drop the oldest half rather than grow forever
            for site in sorted(self._entries, key=lambda s: self._entries[s].expires)[: MAX_SITES // 2]:
                del self._entries[site]
                self._site_locks.pop(site, None)


def _longest_match_first(parser: urllib.robotparser.RobotFileParser) -> None:
    """Make robotparser's first-match rule behave like RFC 9309's longest match (Allow wins ties).

    Without this, "Allow: /" followed by "Disallow: /private/" would let us into /private/.
    robotparser's `entries` and `default_entry` are undocumented but stable since Python 3.0.
    """
    groups = [*parser.entries, *([parser.default_entry] if parser.default_entry else [])]
    for group in groups:
        group.rulelines.sort(key=lambda rule: (-len(rule.path), not rule.allowance))
