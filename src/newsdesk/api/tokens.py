"""Personal API tokens: made from 32 random bytes, stored as their SHA-256, shown once.

A token is high-entropy, so a plain (unsalted) SHA-256 is enough to make a stolen table useless and
lets a request's token be found by one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from newsdesk.api.models import ApiToken, SearchFeedKey
from newsdesk.readers.models import SavedSearch

PREFIX = "nd_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write a row on every request


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token itself (never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:10], token_hash=hash_token(token))
    return row, token


def resolve(token: str) -> ApiToken | None:
    """The active token row for a presented token, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is not None:
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])


def feed_key(search: SavedSearch) -> str:
    """The secret of a saved search's feed URL, made on first use."""
    row, _ = SearchFeedKey.objects.get_or_create(search=search, defaults={"key": secrets.token_urlsafe(24)})
    return row.key


def rotate_feed_key(search: SavedSearch) -> str:
    """A new secret: the old feed URL stops working."""
    key = secrets.token_urlsafe(24)
    SearchFeedKey.objects.update_or_create(search=search, defaults={"key": key})
    return key
