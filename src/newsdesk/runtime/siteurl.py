"""The site's public address: every absolute link the site hands out starts with NEWSDESK_SITE_URL.

Never with the request's Host header: a password-reset request sent with `Host: evil.example` would
otherwise mail the victim a valid token on the attacker's host (issue 14). `ALLOWED_HOSTS` is derived
from the same address (settings.py), so a request for any other host is refused with 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

# The embedded default (`newsdesk serve` on 127.0.0.1) and local health checks answer on these too.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(site_url: str, extra: str = "") -> list[str]:
    """ALLOWED_HOSTS for a site at `site_url`: its host, loopback, and the comma-separated `extra`."""
    host = (urlsplit(site_url).hostname or "").lower()
    if ":" in host:  # an IPv6 literal: Django compares the bracketed form
        host = f"[{host}]"
    hosts = [host] if host else []
    hosts += [h for h in LOOPBACK_HOSTS if h not in hosts]
    hosts += [h.strip() for h in extra.split(",") if h.strip() and h.strip() not in hosts]
    return hosts


def origin(site_url: str) -> str:
    """scheme://host[:port] of `site_url` (for CSRF_TRUSTED_ORIGINS)."""
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def absolute(path: str = "/") -> str:
    """An absolute link to `path` on this site (a path from `reverse`, with its query if any)."""
    return settings.NEWSDESK_SITE_URL.rstrip("/") + path
