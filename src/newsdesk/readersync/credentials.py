"""The secrets reader apps log in with: Google Reader login tokens and the Fever key.

Tokens: ClientLogin hands out `Auth=` tokens that are an HMAC of a random per-row seed under the
site's secret; only the token's SHA-256 is stored. The same app (same User-Agent and dialect) logging
in again gets its live token back instead of a new row each time (newsboat logs in on every start).
A token ends after TOKEN_IDLE unused or TOKEN_LIFETIME after it was made; a reader holds at most
MAX_TOKENS (the least recently used go first).

Fever: the protocol's api_key is md5("login:password") and names no account, so the account is
found through 16 keyed bits of it (`fever_key_bucket`: a few candidates, not a verifier) and then
checked against a per-row salted HMAC keyed by the site's secret. Nothing stored lets anyone holding
only the database test a password guess. Changing NEWSDESK_SECRET_KEY ends every token and Fever
key (the reader sets a new Fever password; apps log in again).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsdesk.readersync.models import AppCredential, AppToken, sha256_hex

TOKEN_IDLE = timedelta(days=30)
TOKEN_LIFETIME = timedelta(days=180)
REUSE_MARGIN = timedelta(days=7)  # a token this close to its end is not handed out again
MAX_TOKENS = 20
TOUCH_EVERY_S = 60  # last_used_at is written at most once a minute per token


def _keyed(purpose: str, value: str) -> str:
    return salted_hmac(f"newsdesk.readersync.{purpose}", value, algorithm="sha256").hexdigest()


# -- Fever ----------------------------------------------------------------------------------------------


def fever_key(login: str, password: str) -> str:
    """The api_key a Fever client sends (md5 of 'login:password', as the protocol defines)."""
    return hashlib.md5(f"{login}:{password}".encode()).hexdigest()


def _fever_digest(api_key: str) -> str:
    return sha256_hex(api_key.strip().lower())


def fever_bucket(digest: str) -> str:
    return _keyed("fever-bucket", digest)[:4]


def fever_verifier(salt: str, digest: str) -> str:
    return _keyed("fever", salt + digest)


def set_fever_password(cred: AppCredential, login: str, password: str) -> None:
    digest = _fever_digest(fever_key(login, password))
    salt = secrets.token_hex(16)
    cred.fever_login = login
    cred.fever_key_hash = f"{salt}${fever_verifier(salt, digest)}"
    cred.fever_key_bucket = fever_bucket(digest)
    cred.updated_at = timezone.now()
    cred.save()


def fever_user(api_key: str) -> Any | None:
    """The active account whose Fever key this is, or None."""
    if not api_key.strip():
        return None
    digest = _fever_digest(api_key)
    candidates = AppCredential.objects.select_related("user").filter(
        fever_key_bucket=fever_bucket(digest), user__is_active=True
    )
    for cred in candidates:
        salt, _, verifier = cred.fever_key_hash.partition("$")
        if verifier and hmac.compare_digest(verifier, fever_verifier(salt, digest)):
            return cred.user
    return None


# -- Google Reader tokens -------------------------------------------------------------------------------


def _raw_token(seed: str) -> str:
    return _keyed("greader-token", seed)


def _expired(now: Any) -> Q:
    return (
        Q(created_at__lt=now - TOKEN_LIFETIME)
        | Q(last_used_at__lt=now - TOKEN_IDLE)
        | Q(last_used_at__isnull=True, created_at__lt=now - TOKEN_IDLE)
    )


def issue_token(user: Any, client: str, dialect: str) -> str:
    """The `Auth=` token for this app: its live one again, else a new one (oldest beyond the cap go)."""
    now = timezone.now()
    mine = AppToken.objects.filter(user=user)
    mine.filter(_expired(now)).delete()
    client = client[:200]
    reusable = (
        mine.filter(client=client, dialect=dialect, created_at__gt=now - (TOKEN_LIFETIME - REUSE_MARGIN))
        .exclude(seed="")
        .order_by("-created_at")
        .first()
    )
    if reusable is not None:
        AppToken.objects.filter(pk=reusable.pk).update(last_used_at=now)
        return _raw_token(reusable.seed)
    seed = secrets.token_hex(32)
    raw = _raw_token(seed)
    AppToken.objects.create(
        user=user, token_hash=sha256_hex(raw), seed=seed, client=client, dialect=dialect, last_used_at=now
    )
    keep = mine.order_by(Coalesce("last_used_at", "created_at").desc(), "-pk").values_list("pk", flat=True)
    surplus = list(keep[MAX_TOKENS:])
    if surplus:
        AppToken.objects.filter(pk__in=surplus).delete()
    return raw


def authenticate_token(raw: str) -> AppToken | None:
    """The live token row for a raw token (an expired one is deleted), with its active user."""
    token = AppToken.objects.select_related("user").filter(token_hash=sha256_hex(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if AppToken.objects.filter(pk=token.pk).filter(_expired(now)).delete()[0]:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_EVERY_S:
        AppToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# -- both -----------------------------------------------------------------------------------------------


def revoke_app_credentials(user: Any) -> None:
    """Log every reader app out and remove the app password and the Fever key (call it when the
    account's password changes or is reset: whoever knew the old one may have set these)."""
    AppToken.objects.filter(user=user).delete()
    AppCredential.objects.filter(user=user).update(
        app_password="", fever_key_hash="", fever_key_bucket="", updated_at=timezone.now()
    )
