"""Per request: an id (X-Request-ID, kept from the client when sane), the latency histogram by
route, and one access-log line."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from newsdesk.runtime import logs
from newsdesk.runtime.instruments import HTTP_LATENCY

log = logging.getLogger("newsdesk.request")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (never the raw path, which would make unbounded label values)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex
        id_token = logs.request_id.set(rid)
        route_token = logs.route.set("")
        started = time.monotonic()
        try:
            response = self.get_response(request)
            route = route_of(request)
            logs.route.set(route)
            duration = time.monotonic() - started
            HTTP_LATENCY.labels(route, request.method or "", str(response.status_code)).observe(duration)
            response["X-Request-ID"] = rid
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "method": request.method,
                    "path": request.path,
                },
            )
            return response
        finally:
            logs.request_id.reset(id_token)
            logs.route.reset(route_token)
