"""Anti-bot challenge pages (Cloudflare, Akamai, DataDome, PerimeterX, Imperva) told from real pages."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from newsdesk.pipeline.fetch.result import FetchError

__all__ = ["SNIFF_BYTES", "bot_challenge_vendor", "challenge_error"]

SNIFF_BYTES = 64 * 1024  # how much of an error page is read to recognise a bot check

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
    text = body[:SNIFF_BYTES].decode("latin-1").lower()
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


def challenge_error(vendor: str, url: httpx.URL, status: int, retry_after: float | None) -> FetchError:
    who = "" if vendor == "unknown" else f" ({vendor})"
    return FetchError(
        "bot_challenge",
        f"the site answered with a bot check{who} instead of the page",
        url=str(url),
        status=status,
        retry_after_s=retry_after,
    )
