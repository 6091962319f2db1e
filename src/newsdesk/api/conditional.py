"""ETag / If-None-Match on reads: the same body twice costs the client a 304 and no download."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags


def conditional_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add an ETag to a successful GET response; answer 304 when the client already has it."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    etag = etag_of(response.content)
    patch_vary_headers(response, ["Authorization", "Cookie"])
    if matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Vary"] = response["Vary"]
        return not_modified
    response["ETag"] = etag
    return response


def with_etag(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view decorator (ninja `mode="view"` or a plain Django view)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        return conditional_response(request, response) if isinstance(response, HttpResponse) else response

    return wrapper
