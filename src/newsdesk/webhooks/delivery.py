"""Send one webhook delivery: signed POST through the SSRF guard, retries with exponential
back-off, and a hook turned off (with its reason) after too many failures in a row."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import httpx
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from newsdesk.pipeline import netguard
from newsdesk.pipeline.fetch import guarded_transport
from newsdesk.webhooks.models import Delivery, DeliveryAttempt, Webhook

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
MAX_ERROR = 500


def signature(secret: str, body: bytes) -> str:
    """The X-Newsdesk-Signature value: sha256=<hex HMAC-SHA256 of the exact body bytes>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_bytes(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def backoff_s(attempt: int) -> float:
    """Seconds before try `attempt + 1`: base, 2×base, 4×base… capped at an hour."""
    return min(settings.NEWSDESK_WEBHOOK_RETRY_BASE_S * 2 ** (attempt - 1), 3600.0)


def _client() -> httpx.Client:
    policy = netguard.AddressPolicy.build(allow_private=settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS)
    return httpx.Client(
        transport=guarded_transport(policy),
        timeout=settings.NEWSDESK_WEBHOOK_TIMEOUT_S,
        follow_redirects=False,
        trust_env=False,
    )


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    taken = Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=delivery_id,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(claimed_until=now + LEASE)
    return Delivery.objects.select_related("hook").get(pk=delivery_id) if taken else None


def deliver(delivery_id: int) -> float | None:
    """Try one delivery if it is due; returns the seconds until its retry (None when finished)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    hook = delivery.hook
    if not hook.active:
        _finish(delivery, Delivery.Status.FAILED, error=f"hook turned off: {hook.disabled_reason}")
        return None
    body = body_bytes(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": settings.NEWSDESK_USER_AGENT,
        "X-Newsdesk-Event": delivery.event,
        "X-Newsdesk-Delivery": str(delivery.delivery_id),
        "X-Newsdesk-Signature": signature(hook.secret, body),
    }
    started = time.monotonic()
    code: int | None = None
    error = ""
    try:
        with _client() as client:
            response = client.post(hook.url, content=body, headers=headers)
        code = response.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code} from the receiver"
    except netguard.GuardError as exc:
        error = f"refused by the network guard: {exc.message}"
    except httpx.HTTPError as exc:
        cause = exc.__context__ if isinstance(exc.__context__, netguard.GuardError) else None
        error = f"refused by the network guard: {cause.message}" if cause else f"{type(exc).__name__}: {exc}"
    duration_ms = int((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        ok=not error,
        response_code=code,
        duration_ms=duration_ms,
        error=error[:MAX_ERROR],
    )
    delivery.response_code, delivery.duration_ms = code, duration_ms
    if not error:
        Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
        _finish(delivery, Delivery.Status.DELIVERED)
        return None
    failures = _count_failure(hook, error)
    if failures is not None or delivery.attempts >= settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS:
        reason = f"gave up after {delivery.attempts} tries: {error}"
        _finish(delivery, Delivery.Status.FAILED, error=reason)
        return None
    delay = backoff_s(delivery.attempts)
    delivery.error = error[:MAX_ERROR]
    delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    delivery.claimed_until = None
    delivery.save()
    log.info("webhook %s delivery %s failed (%s); retry in %.1f s", hook.pk, delivery.pk, error, delay)
    return delay


def _count_failure(hook: Webhook, error: str) -> int | None:
    """Count a failed call; turn the hook off at the limit. Returns the count when it was turned off."""
    Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    hook.refresh_from_db(fields=["consecutive_failures", "active"])
    limit = settings.NEWSDESK_WEBHOOK_DISABLE_AFTER
    if hook.consecutive_failures < limit:
        return None
    reason = f"turned off after {hook.consecutive_failures} failed deliveries in a row; the last: {error}"
    turned = Webhook.objects.filter(pk=hook.pk, active=True).update(
        active=False, disabled_reason=reason[:1000], disabled_at=timezone.now()
    )
    if turned:
        log.warning("webhook %s (%s) %s", hook.pk, hook.url, reason)
    return hook.consecutive_failures


def _finish(delivery: Delivery, status: str, *, error: str = "") -> None:
    delivery.status = status
    delivery.error = error[:MAX_ERROR]
    delivery.claimed_until = None
    if status == Delivery.Status.DELIVERED:
        delivery.delivered_at = timezone.now()
    delivery.save()


def due_deliveries() -> list[int]:
    now = timezone.now()
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )


def deliver_due() -> int:
    """Try every due delivery once (the worker's sweep; tests call it directly). Returns how many."""
    ids = due_deliveries()
    for pk in ids:
        deliver(pk)
    return len(ids)
