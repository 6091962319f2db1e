"""Sections of the site (World, Business, Technology…), each a set of sources chosen by category.

A source's category is free text ("News / World", "NYT > Business > Economy"); each section lists
the words that put a source in it, matched against the category's parts (and, when a source has no
category, against its title). The first section that matches wins, so a source is in one section.

The operator edits the sections in a JSON file, `NEWSDESK_SECTIONS_FILE` (default
`NEWSDESK_HOME/sections.json`): a list of {"slug", "name", "words"}; without the file the built-in
list below is used. A file that cannot be read is reported in the log and the built-in list used.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from newsdesk.sources.models import Source

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_SECTIONS = 20


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    words: tuple[str, ...]


DEFAULT_SECTIONS = (
    Section(
        "world",
        "World",
        ("world", "international", "europe", "asia", "africa", "americas", "middle east", "uk", "us"),
    ),
    Section("politics", "Politics", ("politics", "election", "elections", "government", "policy")),
    Section(
        "business",
        "Business",
        ("business", "economy", "economics", "finance", "markets", "companies", "money", "econ"),
    ),
    Section("technology", "Technology", ("technology", "tech", "science", "computing", "internet", "ai")),
    Section("sport", "Sport", ("sport", "sports", "football", "soccer", "cricket", "tennis")),
    Section("culture", "Culture", ("culture", "entertainment", "arts", "books", "film", "music", "life")),
)


def _words(text: str) -> set[str]:
    """The category's parts and their single words, lowercased: "NYT > Business > Economy" gives
    {"nyt", "business", "economy"}; "Middle East" gives "middle east", "middle" and "east"."""
    parts = [p.strip().lower() for p in re.split(r"[/>|,:;›»]", text) if p.strip()]
    out = set(parts)
    for p in parts:
        out.update(re.findall(r"[a-z0-9]+", p))
    return out


def _parse(data: object) -> tuple[Section, ...]:
    if not isinstance(data, list) or not data:
        raise ValueError("the file must hold a non-empty JSON list of sections")
    out: list[Section] = []
    for item in data[:MAX_SECTIONS]:
        if not isinstance(item, dict):
            raise ValueError("each section is an object with slug, name and words")
        slug, name, words = item.get("slug"), item.get("name"), item.get("words")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise ValueError(f"bad slug {slug!r} (lowercase letters, digits and dashes)")
        if not isinstance(name, str) or not name.strip() or not isinstance(words, list):
            raise ValueError(f"section {slug!r} needs a name and a list of words")
        out.append(
            Section(slug, name.strip()[:40], tuple(str(w).strip().lower() for w in words if str(w).strip()))
        )
    if len({s.slug for s in out}) != len(out):
        raise ValueError("two sections share a slug")
    return tuple(out)


_cache: dict[str, tuple[float, tuple[Section, ...]]] = {}


def sections() -> tuple[Section, ...]:
    """The sections, from the operator's file when there is one (re-read when it changes)."""
    path = Path(settings.NEWSDESK_SECTIONS_FILE)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return DEFAULT_SECTIONS
    cached = _cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        found = _parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("sections file %s not used: %s", path, exc)
        found = DEFAULT_SECTIONS
    _cache[str(path)] = (mtime, found)
    return found


def section(slug: str) -> Section | None:
    return next((s for s in sections() if s.slug == slug), None)


def _first(words: set[str], among: tuple[Section, ...]) -> Section | None:
    return next((s for s in among if words.intersection(s.words)), None)


def section_of(category: str, title: str = "") -> Section | None:
    """The section a source with this category (or, lacking one, this title) belongs to."""
    return _first(_words(category or title), sections())


def source_ids(item: Section) -> list[int]:
    """The sources in a section (each source is in its first matching section only): the sections are
    read once for all of them, not once per source."""
    among = sections()
    rows = Source.objects.values_list("pk", "category", "title")
    return [
        pk
        for pk, category, title in rows
        if (found := _first(_words(category or title), among)) and found.slug == item.slug
    ]
