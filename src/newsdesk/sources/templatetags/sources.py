"""Template filters for sources: intervals and health in plain words."""

from __future__ import annotations

from datetime import timedelta

from django import template

from newsdesk.sources.models import Source
from newsdesk.sources.sections import section_of

register = template.Library()

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


@register.filter
def interval(value: timedelta | int | None) -> str:
    """'every day', 'every 6 hours', 'every 1 hour 30 minutes' — never '1 day, 0:00:00'."""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value or 0)
    if seconds < 60:
        return f"every {max(seconds, 1)} second{'s' if seconds != 1 else ''}"
    parts = []
    for name, size in _UNITS:
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(name if n == 1 and not parts else f"{n} {name}{'s' if n != 1 else ''}")
        if len(parts) == 2:
            break
    if len(parts) == 2 and parts[0] in {"day", "hour", "minute"}:
        parts[0] = f"1 {parts[0]}"
    return "every " + " ".join(parts)


@register.filter
def reader_health(source: Source) -> str:
    """What a reader is told about a failing source: that it is failing, not the resolver's error."""
    if source.health != "failing":
        return ""
    return "new articles could not be fetched lately"


@register.filter
def section_name(source: Source) -> str:
    found = section_of(source.category, source.title)
    return found.name if found else ""
