"""`{% feed_links "feed-story" story.pk %}`: the page's <link rel="alternate"> tags, one per format."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from newsdesk.api.feeds import alternates

register = template.Library()


@register.simple_tag
def feed_links(name: str, *args: object, title: str = "") -> str:
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((ctype, f"{title} ({fmt})" if title else fmt, href) for ctype, fmt, href in alternates(name, *args)),
    ) or format_html("")
