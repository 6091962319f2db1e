"""What an article looks like when it leaves for a reader app: HTML through the sanitiser's allow-list.

Feeds are parsed without sanitising (the raw entry is kept for extraction), so an article not yet
extracted has only the feed's own HTML; it is cleaned here like every other body, never sent raw.
"""

from __future__ import annotations

import re

from newsdesk.articles.models import Article
from newsdesk.pipeline.sanitize import clean_article_html

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def article_html(article: Article) -> str:
    """The article's body (extracted, else the feed's content or summary), sanitised."""
    raw = article.content_html or article.feed_content or article.feed_summary
    return clean_article_html(raw, article.url) if raw else ""


def xml_text(text: str) -> str:
    """Text safe inside XML: characters XML 1.0 forbids are dropped (a feed may carry them)."""
    return _XML_ILLEGAL.sub("", text or "")
