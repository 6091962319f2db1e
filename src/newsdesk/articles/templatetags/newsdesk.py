"""Template helpers: relative times ("4 days ago") with the absolute time on hover, "date unknown" for
an article or story with no known publish time, and timeline dates in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsdesk.pipeline import sanitize
from newsdesk.pipeline.text.dates import describe_value
from newsdesk.pipeline.text.sentences import quoted_whole

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


def _unknown() -> str:
    return format_html(
        '<span class="date-unknown" title="{}">date unknown</span>', "The source gives no publication date"
    )


@register.simple_tag
def published(article: Any) -> str:
    """When an article was published, as `reltime`; "date unknown" when neither its feed nor its page
    said (an archive's undated rows are not "4 minutes ago", the time they were imported)."""
    when = getattr(article, "published_at", None)
    return reltime(when) if when is not None else _unknown()


@register.simple_tag
def storytime(story: Any, value: datetime | None) -> str:
    """One of a story's times (``story.first_seen``, ``story.last_updated``) as `reltime`; "date unknown"
    when none of its articles has a publish date (those times are then only when they were found)."""
    return reltime(value) if getattr(story, "dated", True) else _unknown()


@register.filter
def when(event: Any) -> str:
    """A timeline entry's date in words ("the 1980s", "the week of 23 November 2026"), never a raw value
    such as "2026-W48" or "198": its stored label, else read from its value, else the text's own words."""
    get = event.get if isinstance(event, dict) else lambda key: getattr(event, key, None)
    return str(get("label") or describe_value(str(get("value") or "")) or get("expression") or "")


@register.filter
def quoted(sentence: str) -> str:
    """A cited sentence shown alone, with the quotation mark it lacks when it comes from inside a quote
    of several sentences (the stored sentence stays as the source wrote it)."""
    return quoted_whole(str(sentence))


@register.filter(is_safe=True)
def without_images(clean_html: str) -> SafeString:
    """An article body (already sanitised) with its pictures left out: a page never loads a picture
    from another site; the lead picture is shown from our own stored thumbnail."""
    return mark_safe(sanitize.without_images(clean_html or ""))  # sanitised when stored
