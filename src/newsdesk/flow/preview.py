"""What adding a URL would give, shown to staff before they save it (run by the worker, never the web
request: `additions.run_addition` for a SourceAddition with `preview`).

The preview looks at the URL exactly as adding would (`adding.find_feed`: the fetch, autodiscovery
with its bounds) and reads the feed it finds with the feed parser the first refresh uses. It writes
nothing at all (no row, no raw page file): it stores nothing by construction, not by undoing writes,
so no transaction stays open across fetches and no file is left behind by a rollback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newsdesk.flow.adding import AddError, find_feed
from newsdesk.pipeline.feeds import FeedError, parse_feed
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.sources.models import Source

PREVIEW_ENTRIES = 10


@dataclass(frozen=True)
class PreviewEntry:
    title: str
    url: str
    published: datetime | None


@dataclass
class Preview:
    asked: str
    how: str = ""  # 'feed', 'discovered' (a page linking to its feed), 'article' (a single page)
    feed_url: str = ""
    title: str = ""
    site_url: str = ""
    already_added: bool = False
    ok: bool = False
    message: str = ""
    total: int = 0
    entries: list[PreviewEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for entry in data["entries"]:
            entry["published"] = entry["published"].isoformat() if entry["published"] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        entries = [
            PreviewEntry(
                e["title"], e["url"], datetime.fromisoformat(e["published"]) if e["published"] else None
            )
            for e in data.get("entries", [])
        ]
        return cls(**{**data, "entries": entries})


def _known(url: str) -> Source | None:
    try:
        return Source.objects.filter(canonical_url=canonicalize_url(url)).first()
    except InvalidURL:
        return None


def preview_url(url: str) -> Preview:
    """What adding URL would give; stores nothing. A URL that cannot be added gives a Preview with ok
    False and the reason in `message`."""
    preview = Preview(asked=url)
    try:
        found = find_feed(url)
    except AddError as exc:
        preview.ok, preview.message = False, str(exc)
        return preview
    preview.how = found.how
    if found.how == "article":
        # Kept as one article of the host's "page:" source; its title comes with extraction.
        preview.title = urlsplit(found.url).hostname or found.url
        preview.ok, preview.message, preview.total = True, "a single article", 1
        preview.entries = [PreviewEntry(found.url, found.url, None)]
        return preview
    preview.feed_url = found.url
    try:
        parsed = parse_feed(found.body, url=found.url, content_type=found.content_type)
    except FeedError as exc:
        preview.ok, preview.message = False, str(exc)
        return preview
    known = _known(found.url)
    preview.already_added = known is not None
    preview.title = (known.title if known else "") or parsed.title or found.url
    preview.site_url = (known.site_url if known else "") or parsed.site_url
    preview.ok = True
    preview.message = "already one of the sources" if known else f"{len(parsed.entries)} entries"
    newest = sorted(
        parsed.entries, key=lambda e: e.published or datetime.min.replace(tzinfo=UTC), reverse=True
    )
    preview.total = len(parsed.entries)
    preview.entries = [PreviewEntry(e.title or e.url, e.url, e.published) for e in newest[:PREVIEW_ENTRIES]]
    return preview
