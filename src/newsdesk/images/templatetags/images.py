"""`{% thumb article "s" %}`: an article's stored picture as a sized, lazy <img> served by this site.

Reads `article.image`, loaded with the list (`LIST_RELATED`): no query per picture. An article with
no stored picture renders nothing, so layouts must not depend on one.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsdesk.images.models import Image

register = template.Library()


@register.simple_tag
def thumb(article: object, variant: str = "s", css: str = "thumb", eager: bool = False) -> SafeString | str:
    if not getattr(article, "image_id", None):
        return ""
    image = getattr(article, "image", None)
    shown = image.variant(variant) if isinstance(image, Image) else None
    if shown is None:
        return ""
    return format_html(
        '<img class="{}" src="{}" width="{}" height="{}" alt="{}" loading="{}" decoding="async"{}>',
        css,
        reverse("image", args=[shown.name]),
        shown.width,
        shown.height,
        getattr(article, "title", "") or "",
        "eager" if eager else "lazy",
        mark_safe(' fetchpriority="high"') if eager else "",
    )
