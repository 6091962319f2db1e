"""Structured logs: with NEWSDESK_LOG_FORMAT=json every record is one JSON object on one line,
carrying the request it belongs to (id, route, status, duration) when there is one."""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
route: contextvars.ContextVar[str] = contextvars.ContextVar("route", default="")

_FIELDS = ("status", "duration_ms", "method", "path")


class RequestContextFilter(logging.Filter):
    """Adds the current request's id and route to every record logged while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        if not getattr(record, "route", ""):
            record.route = route.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "route": getattr(record, "route", "") or None,
        }
        for name in _FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
