"""What adding a URL would give, shown to staff before they save it.

The preview runs the real add (`adding.add_url`: fetch, autodiscovery, with its time bounds) and the
real first refresh (`refresh.refresh_source`) inside a transaction that is then rolled back: what
the page shows is exactly what saving would store, and nothing stays in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from newsdesk.articles.models import Article
from newsdesk.flow.adding import AddError, add_url
from newsdesk.flow.refresh import refresh_source
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


class _Undo(Exception):
    """Raised inside the preview's transaction so that everything it wrote is rolled back."""


def preview_url(url: str) -> Preview:
    """Fetch URL as `add_url` would, and the feed it finds as the first refresh would; store nothing.
    A URL that cannot be added gives a Preview with ok False and the reason in `message`."""
    preview = Preview(asked=url)
    try:
        with transaction.atomic():
            added = add_url(url)
            source = added.source
            preview.how = added.how
            preview.feed_url = source.url if added.how != "article" else ""
            preview.already_added = not added.created
            if source.kind == Source.Kind.FEED and added.created:
                outcome = refresh_source(source)
                preview.ok, preview.message = outcome.ok, outcome.message
            else:
                preview.ok = True
                preview.message = "already one of the sources" if not added.created else "a single article"
            source.refresh_from_db()
            preview.title, preview.site_url = source.display_name, source.site_url
            articles = Article.objects.filter(source=source).order_by("-published_at", "-pk")
            preview.total = articles.count()
            preview.entries = [
                PreviewEntry(a.title or a.url, a.url, a.published_at) for a in articles[:PREVIEW_ENTRIES]
            ]
            raise _Undo
    except _Undo:
        pass
    except AddError as exc:
        preview.ok, preview.message = False, str(exc)
    return preview
