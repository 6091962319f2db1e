"""How several workers share work through the database: leases on rows and named locks.

A lease (`claimed_until`) lets exactly one worker process a row; if that worker dies, the lease
runs out and the periodic sweep hands the row to another. Named locks serialise the steps whose
decisions depend on each other (duplicate detection, story assignment).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.runtime.models import PipelineLock

DEFAULT_LEASE = timedelta(minutes=5)


def claim(model: type[models.Model], pk: int, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Atomically take the lease on one row; False when another worker holds it."""
    now = timezone.now()
    taken = (
        model._default_manager.filter(pk=pk)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease)
    )
    return taken == 1


def release(model: type[models.Model], pk: int) -> None:
    model._default_manager.filter(pk=pk).update(claimed_until=None)


@contextmanager
def serialised(name: str) -> Iterator[None]:
    """Run the block in a transaction holding the named lock.

    PostgreSQL: SELECT … FOR UPDATE on the lock row. SQLite: the settings open every transaction
    with BEGIN IMMEDIATE, which takes the database write lock, so the block is serialised too.
    """

    with transaction.atomic():
        PipelineLock.objects.get_or_create(name=name)
        PipelineLock.objects.select_for_update().get(name=name)
        yield


def first_in_tick(name: str, period_s: int = 60, now: float | None = None) -> bool:
    """True for exactly one caller per period across every worker and machine.

    Every Huey consumer runs the periodic tasks, so with N workers each tick is queued N times; the
    task asks this first and only the first caller of the period does the work. A row per tick in
    the lock table (its primary key is the tick), older ticks pruned by the winner.
    """

    tick = int((time.time() if now is None else now) // period_s)
    prefix = f"tick:{name}:"
    _, created = PipelineLock.objects.get_or_create(name=f"{prefix}{tick}")
    if created:
        PipelineLock.objects.filter(name__startswith=prefix).exclude(name=f"{prefix}{tick}").delete()
    return created
