"""Site-wide endpoints that belong to no app: health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception as exc:  # the point of a health check is to report any failure
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
