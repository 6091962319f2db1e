"""The operator's endpoints: /healthz (health check) and /metrics (Prometheus)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from newsdesk.operations.metrics import exposition
from newsdesk.runtime.health import check


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, a worker beat recently and the queue is not piling up;
    503 naming the failing part otherwise."""
    ok, report = check()
    return JsonResponse(report, status=200 if ok else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition (behind a bearer token when NEWSDESK_METRICS_TOKEN is set)."""
    token = settings.NEWSDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given, token):
        return HttpResponse("metrics need the bearer token\n", status=401, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
