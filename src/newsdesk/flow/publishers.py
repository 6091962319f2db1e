"""Give a source its publisher (one per registrable domain) and the publisher its icon.

Called whenever a feed is read (refresh, import) and when a source is added: a source that has a
publisher keeps it (staff may have chosen another one), and a publisher named by staff keeps its name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from newsdesk.flow.images import image_for
from newsdesk.images.models import ImageKind
from newsdesk.pipeline.publishers import name_key, publisher_key, publisher_name
from newsdesk.pipeline.urls import unwrap_archive
from newsdesk.sources.models import Publisher, Source


def ensure_publisher(
    source: Source, *, site_url: str = "", title: str = "", icon_url: str = ""
) -> Publisher | None:
    """The source's publisher, created from its site (or feed URL) and title when it has none;
    `site_url` and `title` are what the feed says, used where the source has none yet."""
    site_url = source.site_url or site_url
    if source.publisher_id:
        publisher = source.publisher
    else:
        key = publisher_key(site_url, source.url)
        if not key and source.kind == Source.Kind.IMPORT:  # lines with no URL: known by name only
            key = name_key(source.title)
        if not key:
            return None
        site = unwrap_archive(site_url) if site_url else ""
        try:
            with transaction.atomic():
                publisher, _ = Publisher.objects.get_or_create(
                    key=key[:300],
                    defaults={"name": publisher_name(key, source.title or title), "site_url": site[:2000]},
                )
        except IntegrityError:  # another worker created it a moment ago
            publisher = Publisher.objects.get(key=key[:300])
        source.publisher = publisher
        Source.objects.filter(pk=source.pk).update(publisher=publisher)
    if publisher is not None and publisher.icon_id is None:
        url = icon_url or _favicon(publisher.site_url or site_url or source.url)
        icon = image_for(ImageKind.ICON, url) if url else None
        if icon is not None:
            publisher.icon = icon
            Publisher.objects.filter(pk=publisher.pk, icon__isnull=True).update(icon=icon)
    return publisher


def _favicon(site_url: str) -> str:
    """The site's /favicon.ico (the one icon location every browser tries)."""
    try:
        parts = urlsplit(unwrap_archive(site_url))
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}/favicon.ico"
