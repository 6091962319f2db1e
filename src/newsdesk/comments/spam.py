"""Spam signals that hold a comment for a moderator instead of publishing it.

Each signal is a plain-words reason shown in the moderation queue: many links, the same text
posted again (by its author, or by several accounts), and a brand-new account posting links.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from newsdesk.comments.models import Comment
from newsdesk.pipeline.markup import count_links, normalize_for_repeat

REPEAT_MIN_CHARS = 20  # "Thanks!" twice is not spam
REPEAT_WINDOW = timedelta(days=7)
CROSS_ACCOUNT_WINDOW = timedelta(days=1)


def fingerprint(body: str) -> str:
    text = normalize_for_repeat(body)
    return hashlib.sha256(text.encode()).hexdigest() if len(text) >= REPEAT_MIN_CHARS else ""


def signals(author, body: str, *, exclude_pk: int | None = None) -> list[str]:
    """The reasons to hold this comment for review; empty when it may be published at once."""
    reasons: list[str] = []
    now = timezone.now()
    links = count_links(body)
    max_links = settings.NEWSDESK_COMMENT_MAX_LINKS
    if links > max_links:
        reasons.append(f"{links} links (more than {max_links})")
    new_hours = settings.NEWSDESK_COMMENT_NEW_ACCOUNT_HOURS
    if links and author.date_joined > now - timedelta(hours=new_hours):
        reasons.append(f"links from an account less than {new_hours:g} hours old")
    if fp := fingerprint(body):
        earlier = Comment.objects.filter(fingerprint=fp).exclude(pk=exclude_pk)
        if earlier.filter(author=author, created_at__gt=now - REPEAT_WINDOW).exists():
            reasons.append("the same text as an earlier comment of this account")
        elif earlier.filter(created_at__gt=now - CROSS_ACCOUNT_WINDOW).exclude(author=author).exists():
            reasons.append("the same text as another account's comment")
    return reasons
