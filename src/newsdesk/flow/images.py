"""Lead images and publisher icons: found while ingesting, fetched by the worker, never on a request.

`image_ids_for` turns the picture URLs of a batch of entries into `Image` rows (one per URL, pending)
in two queries; `fetch_pending_images` is the worker's step: each pending image is fetched once
through the guarded fetcher (SSRF guard, size cap), checked and re-encoded by `pipeline.images`,
written under NEWSDESK_HOME/images, and marked ready, or failed with the reason. One bad image never
stops the others and never touches its article.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.images import store
from newsdesk.images.models import Image, ImageKind, ImageStatus
from newsdesk.pipeline.fetch import FetchError
from newsdesk.pipeline.images import (
    ICON_VARIANTS,
    LEAD_VARIANTS,
    MAX_IMAGE_BYTES,
    ImageRefused,
    make_thumbnails,
)
from newsdesk.pipeline.schedule import backoff_delay
from newsdesk.runtime import pagechanges
from newsdesk.runtime.coordination import claim, release
from newsdesk.runtime.fetcher import TRANSIENT_KINDS, get_fetcher

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BATCH = 50


def _usable(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= 2000


def image_for(kind: str, url: str) -> Image | None:
    """The row for one picture URL (created pending when new)."""
    if not _usable(url):
        return None
    key = Image.key_for(kind, url)
    try:
        with transaction.atomic():
            image, _ = Image.objects.get_or_create(url_key=key, defaults={"kind": kind, "url": url})
    except IntegrityError:
        image = Image.objects.get(url_key=key)
    return image


def image_ids_for(urls: Iterable[str], kind: str = ImageKind.LEAD) -> dict[str, int]:
    """url → Image id for every usable URL, creating the missing rows (pending): two queries."""
    keys = {Image.key_for(kind, u): u for u in {u for u in urls if u and _usable(u)}}
    if not keys:
        return {}
    found = dict(Image.objects.filter(url_key__in=list(keys)).values_list("url_key", "pk"))
    missing = [Image(kind=kind, url=u, url_key=k) for k, u in keys.items() if k not in found]
    if missing:
        Image.objects.bulk_create(missing, ignore_conflicts=True)
        found = dict(Image.objects.filter(url_key__in=list(keys)).values_list("url_key", "pk"))
    return {u: found[k] for k, u in keys.items() if k in found}


def pending_images(now=None):
    now = now or timezone.now()
    return (
        Image.objects.filter(status=ImageStatus.PENDING)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def fetch_image(image_id: int) -> str:
    """Fetch, check and store one image under its lease; returns its status (or 'claimed')."""
    if not claim(Image, image_id, lease=timedelta(minutes=2)):
        return "claimed"
    try:
        image = Image.objects.filter(pk=image_id, status=ImageStatus.PENDING).first()
        if image is None:
            return "gone"
        _fetch_and_store(image)
        return image.status
    except Exception:  # one broken image must never stop the others
        log.exception("image %s failed", image_id)
        Image.objects.filter(pk=image_id).update(
            status=ImageStatus.FAILED, error="an internal error stopped this image"
        )
        return ImageStatus.FAILED
    finally:
        release(Image, image_id)


def _fetch_and_store(image: Image) -> None:
    image.attempts += 1
    try:
        result = get_fetcher().fetch(image.url, max_bytes=MAX_IMAGE_BYTES)
        icon = image.kind == ImageKind.ICON
        thumbs = make_thumbnails(
            result.body,
            result.content_type or "",
            variants=ICON_VARIANTS if icon else LEAD_VARIANTS,
            crop=icon,
        )
    except FetchError as exc:
        if exc.kind in TRANSIENT_KINDS and image.attempts < MAX_ATTEMPTS:
            image.retry_at = timezone.now() + timedelta(seconds=backoff_delay(image.attempts))
        else:
            image.status = ImageStatus.FAILED
        image.error = exc.message[:300]
        image.save(update_fields=["attempts", "retry_at", "status", "error"])
        return
    except ImageRefused as exc:
        image.status, image.error = ImageStatus.FAILED, str(exc)[:300]
        image.save(update_fields=["attempts", "status", "error"])
        return
    variants = {}
    for t in thumbs:
        name = f"{t.digest}.{t.extension}"
        store.save(name, t.data)
        variants[t.variant] = [name, t.width, t.height]
    image.variants = variants
    image.status, image.error, image.retry_at = ImageStatus.READY, "", None
    image.fetched_at = timezone.now()
    image.save(update_fields=["attempts", "variants", "status", "error", "retry_at", "fetched_at"])


def fetch_pending_images(*, limit: int | None = None, budget_s: float | None = None) -> int:
    """Fetch due pending images, oldest first, until none is left (or `limit` / `budget_s` is spent).
    Returns how many were tried."""
    started = time.monotonic()
    done = 0

    def spent() -> bool:
        return (limit is not None and done >= limit) or (
            budget_s is not None and time.monotonic() - started > budget_s
        )

    while True:
        ids = list(pending_images().order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        tried = ready = 0
        for pk in ids:
            status = fetch_image(pk)
            tried += status != "claimed"
            ready += status == ImageStatus.READY
            done += 1
            if spent():
                break
        if ready:  # cached pages showed a letter badge or no picture where there is one now
            pagechanges.changed(pagechanges.SITE)
        if spent():
            return done
        if not tried:  # every one held by another worker
            return done
