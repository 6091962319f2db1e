"""/api/tokens: the caller's personal API tokens (the token itself is returned once, at creation)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from newsdesk.api import tokens
from newsdesk.api.auth import AUTH
from newsdesk.api.errors import ApiError, responses
from newsdesk.api.models import ApiToken
from newsdesk.api.schemas import MAX_ID, TokenCreated, TokenIn, TokenOut

router = Router(tags=["tokens"], auth=AUTH)
MAX_TOKENS = 50


@router.get("", response={200: list[TokenOut], **responses(401)}, summary="My tokens (never the secret)")
def list_tokens(request: HttpRequest):
    return list(ApiToken.objects.filter(user=request.user)[:200])


@router.post("", response={201: TokenCreated, **responses(401, 409)}, summary="Create a token (shown once)")
def create_token(request: HttpRequest, body: TokenIn):
    if ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ApiError(409, f"at most {MAX_TOKENS} active tokens: revoke one first", code="too_many_tokens")
    row, token = tokens.create_token(request.user, body.name)
    return Status(201, {**TokenOut.model_validate(row).model_dump(), "token": token})


@router.delete("/{token_id}", response={204: None, **responses(401, 404)}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    tokens.revoke(get_object_or_404(ApiToken, pk=token_id, user=request.user))
    return Status(204, None)
