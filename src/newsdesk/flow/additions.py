"""Requests to add or to preview a URL, done by a worker and never by the web request (issue 14): a
page may list many candidate feeds, each a fetch of up to the fetch timeout. The API and the staff's
page record a SourceAddition (`request_addition`); `run_addition` is the worker's side; the status
is read from the row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsdesk.flow.adding import AddError, AlreadyFollowed, add_url
from newsdesk.flow.preview import preview_url
from newsdesk.pipeline import netguard
from newsdesk.pipeline.urls import InvalidURL, canonicalize_url
from newsdesk.readers import changes
from newsdesk.sources.models import Source, SourceAddition
from newsdesk.sources.signals import addition_followed


def request_addition(
    url: str,
    *,
    category: str = "",
    user: object = None,
    preview: bool = False,
    follow: bool = False,
    follow_title: str = "",
    follow_folders: Sequence[str] = (),
) -> SourceAddition:
    """Record a request to add (or, with `preview`, to look at) `url` for a worker (`run_addition`);
    what can be refused without the network is refused now: an unusable address, a host private by
    its spelling, a known source (which a preview may still look at). With `follow`, the user who
    asked follows it once added, under `follow_title`, in `follow_folders` (a reader app's)."""
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        raise AddError(f"not a usable address: {exc}") from exc
    host = urlsplit(url).hostname or ""
    try:
        netguard.check_host(
            host, netguard.AddressPolicy.build(allow_private=settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS)
        )
    except netguard.GuardError as exc:
        raise AddError(exc.message) from exc
    if not preview and (existing := Source.objects.filter(canonical_url=canonical).first()):
        raise AlreadyFollowed(existing)
    return SourceAddition.objects.create(
        url=url[:2000],
        category=category[:300],
        preview=preview,
        follow=follow,
        follow_title=follow_title.strip()[:300],
        follow_folders=[f.strip()[:300] for f in follow_folders if f.strip()][:20],
        requested_by=user if getattr(user, "pk", None) else None,
    )


ADDITION_LEASE = timedelta(minutes=5)
QUEUED_FOR = timedelta(minutes=2)  # a request still waiting after this lost its queued task


def lost_additions() -> list[int]:
    """Pending requests whose task is gone (a worker killed with it, a queue emptied): never taken
    and older than QUEUED_FOR, or taken by a worker whose lease ran out. The sweep queues them again;
    `run_addition`'s lease makes a request queued twice run once."""
    now = timezone.now()
    return list(
        SourceAddition.objects.filter(status=SourceAddition.Status.PENDING)
        .filter(
            Q(started_at__isnull=True, created_at__lt=now - QUEUED_FOR)
            | Q(started_at__lt=now - ADDITION_LEASE)
        )
        .values_list("pk", flat=True)[:500]
    )


def run_addition(addition_id: int) -> SourceAddition | None:
    """Do one requested addition or preview (the worker's task); None when another worker has it or
    it is done."""
    now = timezone.now()
    taken = SourceAddition.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=now - ADDITION_LEASE),
        pk=addition_id,
        status=SourceAddition.Status.PENDING,
    ).update(started_at=now)
    if not taken:
        return None
    addition = SourceAddition.objects.get(pk=addition_id)
    if addition.preview:
        preview = preview_url(addition.url)
        addition.result = preview.to_json()
        addition.how = preview.how
        if preview.ok:
            addition.status = SourceAddition.Status.PREVIEWED
        else:
            addition.status, addition.error = SourceAddition.Status.FAILED, preview.message[:2000]
    else:
        try:
            # A reader app subscribes to feeds: a page with none is refused, not kept as an article.
            added = add_url(addition.url, category=addition.category, feeds_only=addition.follow)
        except AddError as exc:
            addition.status, addition.error = SourceAddition.Status.FAILED, str(exc)[:2000]
        else:
            fresh = added.created or added.how == "article"
            addition.status = SourceAddition.Status.ADDED if fresh else SourceAddition.Status.EXISTS
            addition.source, addition.how = added.source, added.how
            if addition.follow and addition.requested_by is not None:
                try:  # the site's follow cap holds here too
                    changes.follow_source(addition.requested_by, added.source, addition.follow_title)
                except changes.Refused as refused:
                    addition.error = f"added, but not followed: {refused.message}"[:2000]
                else:
                    addition_followed.send(sender=SourceAddition, addition=addition)
    addition.finished_at = timezone.now()
    addition.save()
    return addition


PREVIEW_KEPT = timedelta(days=1)


def prune_previews() -> int:
    """Forget staff previews done more than PREVIEW_KEPT ago: their findings only served the status
    page, and a preview stores nothing else. Requested additions stay (who added what, and when)."""
    cutoff = timezone.now() - PREVIEW_KEPT
    deleted, _ = SourceAddition.objects.filter(preview=True, finished_at__lt=cutoff).delete()
    return deleted
