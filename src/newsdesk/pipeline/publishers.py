"""Who publishes a feed: the publisher's key (its registrable domain) and a readable name.

Outlet counts, "also published by", source diversity and ranking count publishers, not feeds: the
FT's "myFT following" and its home feed are one outlet, WSJ's Economy and World feeds are one.

The key is the registrable domain ("nytimes.com" for rss.nytimes.com and www.nytimes.com; the
public-suffix list, bundled with `tld`, makes "bbc.co.uk" one domain) of the site the feed names
(its `<link>`, archive wrappers unwrapped), else of the feed's own URL. A host with no registrable
domain (an IP address, "localhost") keys on host and port, so two test servers stay two publishers.

The name: a short list of well-known publishers by domain (their names are not in their feeds:
"NYT > Business > Economy", "myFT following"); else the feed title's first part ("WSJ.com: World"
→ "WSJ.com" → "WSJ") when it names the domain; else the domain's first label ("example.com" →
"Example"). Staff can rename a publisher; the name is then kept.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tld import get_fld

from newsdesk.pipeline.urls import unwrap_archive

__all__ = [
    "KNOWN_PUBLISHERS",
    "badge_letter",
    "badge_shade",
    "name_key",
    "publisher_key",
    "publisher_name",
]

# Names a reader knows these publishers by; keyed by registrable domain.
KNOWN_PUBLISHERS = {
    "apnews.com": "AP News",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "bloomberg.com": "Bloomberg",
    "cnn.com": "CNN",
    "economist.com": "The Economist",
    "ft.com": "Financial Times",
    "npr.org": "NPR",
    "nytimes.com": "The New York Times",
    "reuters.com": "Reuters",
    "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "aljazeera.com": "Al Jazeera",
    "lemonde.fr": "Le Monde",
    "spiegel.de": "Der Spiegel",
}
# Separators between a publisher's name and a section in feed titles.
_TITLE_PARTS = re.compile(r"\s+(?:>|»|›|\||-|–|—|::?)\s+|:\s+|\s+[:>|»›]\s*")
_TLD_SUFFIX = re.compile(r"\.(?:com|co\.uk|org|net|news|co|io)$", re.I)
_WORD = re.compile(r"[a-z0-9]+")
BADGE_SHADES = 8
NAME_PREFIX = "name:"  # keys of publishers known only by name (no URL to take a domain from)


def _host_port(url: str) -> tuple[str, int | None]:
    try:
        parts = urlsplit(unwrap_archive(url.strip()))
        return (parts.hostname or "").lower().rstrip("."), parts.port
    except ValueError:
        return "", None


def publisher_key(site_url: str, feed_url: str = "") -> str:
    """The registrable domain of the site (else the feed's URL); host[:port] when it has none; '' when
    neither URL has a host."""
    for url in (site_url, feed_url):
        host, port = _host_port(url or "")
        if not host:
            continue
        domain = get_fld(host, fix_protocol=True, fail_silently=True)
        if domain:
            return str(domain).lower()
        return f"{host}:{port}" if port else host
    return ""


def name_key(name: str) -> str:
    """The publisher key of a source known only by its name; '' for a blank name."""
    name = " ".join(name.split())
    folded = name.casefold()
    for domain, known in KNOWN_PUBLISHERS.items():
        k = known.casefold()
        if folded == k or folded.startswith(k + " "):
            return domain
    first = _first_part(name)
    return f"{NAME_PREFIX}{first.casefold()}"[:300] if first else ""


def publisher_name(key: str, feed_title: str = "") -> str:
    """A readable name for the publisher `key` (see the module docstring for the rule)."""
    if key in KNOWN_PUBLISHERS:
        return KNOWN_PUBLISHERS[key]
    first = _first_part(feed_title)
    if key.startswith(NAME_PREFIX):
        return (first or key.removeprefix(NAME_PREFIX))[:200]
    label = key.split(".")[0] if key and not key[0].isdigit() else ""
    if first and (not label or _names_domain(first, label)):
        return _TLD_SUFFIX.sub("", first)[:200] or first[:200]
    if label:
        return label.replace("-", " ").title()[:200]
    return (first or key or "Unknown publisher")[:200]


def _first_part(title: str) -> str:
    """A title's part before its first section separator ("WSJ.com: World" → "WSJ.com")."""
    title = " ".join(title.split())
    return _TITLE_PARTS.split(title, maxsplit=1)[0].strip() if title else ""


def _names_domain(title: str, label: str) -> bool:
    """Whether a title part names the domain: "WSJ.com" for wsj, "The Verge" for theverge."""
    squashed = "".join(_WORD.findall(title.lower()))
    return bool(squashed) and (label in squashed or squashed in label)


def badge_letter(name: str) -> str:
    """The letter on a publisher's badge when it has no icon: its first letter past "The "."""
    words = [w for w in name.split() if w.lower() not in {"the", "le", "la", "der", "die", "el"}]
    for ch in " ".join(words) or name:
        if ch.isalnum():
            return ch.upper()
    return "?"


def badge_shade(key: str) -> int:
    """A stable colour index (0..BADGE_SHADES-1) for a publisher's letter badge."""
    return sum(key.encode("utf-8")) % BADGE_SHADES
