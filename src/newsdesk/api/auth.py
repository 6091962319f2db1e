"""Who is calling: a personal token (`Authorization: Bearer …`) or the site's own session (CSRF kept)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from newsdesk.api import tokens
from newsdesk.api.errors import ApiError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = tokens.resolve(token)
        if row is None:
            return None
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


class SiteSession(SessionAuth):
    """Session auth for the site's pages; a request that carries a token is never judged by its cookie
    (so a bad token gets 401, not a CSRF complaint)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.headers.get("Authorization"):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return super().authenticate(request, key)


AUTH = [TokenAuth(), SiteSession()]


def require_staff(request: HttpRequest) -> None:
    if not getattr(request.user, "is_staff", False):
        raise ApiError(403, "only staff may change sources")
