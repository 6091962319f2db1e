"""Template helpers: relative times ("4 days ago") with the absolute time on hover."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsdesk.pipeline import sanitize

register = template.Library()


def relative(value: datetime, now: datetime | None = None) -> str:
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for limit, size, unit in (
        (60, 1, ""),
        (3600, 60, "minute"),
        (86400, 3600, "hour"),
        (7 * 86400, 86400, "day"),
        (30 * 86400, 7 * 86400, "week"),
        (365 * 86400, 30 * 86400, "month"),
        (float("inf"), 365 * 86400, "year"),
    ):
        if seconds < limit:
            if not unit:
                return "just now"
            n = int(seconds // size)
            label = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {label}" if future else f"{label} ago"
    return ""


@register.simple_tag
def reltime(value: datetime | None) -> str:
    """<time> showing '4 days ago'; the exact time is in the tooltip and the datetime attribute."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}" data-relative>{}</time>',
        value.isoformat(),
        local.strftime("%-d %B %Y, %H:%M %Z"),
        relative(value),
    )


@register.filter(is_safe=True)
def without_images(clean_html: str) -> SafeString:
    """An article body (already sanitised) with its pictures left out: a page never loads a picture
    from another site; the lead picture is shown from our own stored thumbnail."""
    return mark_safe(sanitize.without_images(clean_html or ""))  # sanitised when stored
