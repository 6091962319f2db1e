"""Site-wide endpoints that belong to no app: health check and metrics."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, a worker beat recently and the queue is not piling up;
    503 naming the failing part otherwise."""
    from newsdesk.operations.health import check

    ok, report = check()
    return JsonResponse(report, status=200 if ok else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition (behind a bearer token when NEWSDESK_METRICS_TOKEN is set)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    from newsdesk.operations.metrics import exposition

    token = settings.NEWSDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given, token):
        return HttpResponse("metrics need the bearer token\n", status=401, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
