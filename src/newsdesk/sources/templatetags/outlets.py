"""`{% outlet source %}`: the publisher a reader knows, by name, with its icon or a letter badge.

Reads `source.publisher` and its icon, loaded with the list (`LIST_RELATED`): no query per row.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsdesk.sources.models import Source

register = template.Library()


@register.simple_tag
def outlet(source: Source | None, link: bool = False) -> SafeString | str:
    if source is None:
        return ""
    publisher = source.publisher if source.publisher_id else None
    icon = publisher.icon.icon if publisher is not None and publisher.icon_id and publisher.icon else None
    if icon is not None:
        mark = format_html(
            '<img class="logo" src="{}" width="16" height="16" alt="" loading="lazy" decoding="async">',
            reverse("image", args=[icon.name]),
        )
    else:
        letter = publisher.letter if publisher is not None else (source.outlet_name[:1].upper() or "?")
        shade = publisher.shade if publisher is not None else source.pk % 8
        mark = format_html('<span class="logo letter shade-{}" aria-hidden="true">{}</span>', shade, letter)
    name = source.outlet_name
    if link:
        return format_html(
            '<a class="outlet source" href="{}">{}<span class="name">{}</span></a>',
            reverse("source", args=[source.pk]),
            mark,
            name,
        )
    return format_html('<span class="outlet">{}<span class="name">{}</span></span>', mark, name)
